import PantauCore

extension OpenAPIDocument {
    /// The monitoring's watchlists and the matcher's test.
    static let monitoring = Fragment(paths: #"""
  /api/v1/prevalence:
    get:
      security: []
      summary: "Prevalence of violating content (open data, public): for each platform, week (Monday, WIB) and method — uniform (every monitored post of the week equally likely: the share of posts that violate) or views (each post as likely as its views: the share of what people saw that violated) — the sample size, the population it was drawn from, the posts labelled so far, how many violate, the share and its 95 % Wilson interval; and the same per category. No post or person is named."
      parameters:
        - { name: platform, in: query, required: false, schema: { type: string, enum: \#(values(Platform.self, except: [.web])) } }
        - { name: format, in: query, required: false, schema: { type: string, enum: [json, csv], default: json } }
      responses:
        '200':
          description: 'JSON: confidence, interval, samples (week, platform, method, sample_size, population, labelled, violating, prevalence, lower_95, upper_95, categories). CSV: week,platform,method,category,sample_size,population,labelled,violating,prevalence,lower_95,upper_95 (category empty: the whole sample).'
          content:
            application/json: { schema: { type: object } }
            text/csv: { schema: { type: string } }
        '400': { $ref: '#/components/responses/Error' }
  /api/v1/platforms/{platform}/posts:
    post:
      summary: Public posts sent by a platform connector for monitoring
      operationId: receivePosts
      description: "Needs the bearer token of a `platform` account bound to this platform (or of an admin); another platform's token is 403. Every post is checked before any is kept (a bad one refuses the batch, naming posts[i].field). Idempotent on (platform, id): a post sent again is listed in `known` and changes nothing. Each new post is matched against every active watchlist (its text, its author against @account terms, its links against domain terms); a post reaching a watchlist's threshold is a finding: a report with channel `monitoring` in the case of its subject (outcome `reported`), a `reappeared` event on the case of the post, its author or a linked site when that was decided violating (outcome `reappeared`), or only recorded when monitoring already reported that subject within the window (outcome `rate_limited`, PANTAU_MONITORING_REPORT_WINDOW_HOURS, default 24). TikTok, X, Facebook, Instagram and YouTube posts can be monitored; LINE cannot (422 platform_not_monitored)."
      parameters:
        - name: platform
          in: path
          required: true
          schema: { type: string, enum: \#(values(Platform.self, except: [.web])) }
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [posts]
              properties:
                posts:
                  type: array
                  maxItems: 1000
                  items: { $ref: '#/components/schemas/MonitoredPost' }
      responses:
        '200':
          description: 'accepted: posts new to Pantau; known: ids received before (or repeated in the batch); findings: post_id, watchlist, score, outcome (reported, reappeared, rate_limited), ticket (when reported), case'
          content:
            application/json:
              schema:
                type: object
                required: [accepted, known, findings]
                properties:
                  accepted: { type: integer }
                  known: { type: array, items: { type: string } }
                  findings: { type: array, items: { type: object } }
        '400': { $ref: '#/components/responses/Error' }
        '404': { $ref: '#/components/responses/Error' }
        '413': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/monitoring/sources:
    get:
      summary: "Every source's health (staff): a platform's connector pushes as one source (kind push), each feed as another (kind feed), with its last fetch and success, the errors in a row and the last one, and its posts and findings of the last 24 hours."
      responses:
        '200': { description: 'sources: kind, platform, id and name (feeds), enabled, last_fetch_at, last_success_at, consecutive_errors, last_error, posts_last_day, findings_last_day', content: { application/json: { schema: { type: object } } } }
    post:
      summary: "Add a feed the worker pulls (admin). The feed answers GET url?cursor=… (no cursor the first time; Authorization: Bearer token when a token is set) with {posts: [post as POST /api/v1/platforms/{platform}/posts takes it], next_cursor}. The cursor is kept in the database and moves on only once a page's posts are kept; a failure (no whole answer within PANTAU_MONITORING_FEED_TIMEOUT_SECONDS, an HTTP error, more than 32 MiB, not a feed, a post that is not valid) is recorded on the source with nothing of the page kept, and retried after the interval doubled per failure in a row, at most an hour. The address must be public (no loopback or private address) unless PANTAU_OUTBOUND_ALLOW_INTERNAL=1. The token is never shown back."
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [platform, name, url]
              properties:
                platform: { type: string, enum: [tiktok, x, facebook, instagram, youtube] }
                name: { type: string, pattern: '\S', maxLength: 200 }
                url: { type: string, maxLength: 2048 }
                token: { type: string, maxLength: 4096 }
                interval_seconds: { type: integer, minimum: 10, maximum: 86400, default: 60 }
                enabled: { type: boolean, default: true }
      responses:
        '201': { description: 'The feed: id, platform, name, url, has_token, interval_seconds, enabled, posts_received, consecutive_errors, last_error, last_fetch_at, last_success_at' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/monitoring/sources/{id}:
    parameters: [{ $ref: '#/components/parameters/ID' }]
    post:
      summary: "Change a feed (admin): absent fields stay; a new url starts from the feed's beginning; enabled true also retries a failing feed at once. The platform cannot change."
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                name: { type: string, pattern: '\S', maxLength: 200 }
                url: { type: string, maxLength: 2048 }
                token: { type: string, maxLength: 4096 }
                interval_seconds: { type: integer, minimum: 10, maximum: 86400 }
                enabled: { type: boolean }
      responses:
        '200': { description: The feed as changed }
        '404': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/monitoring/sources/{id}/delete:
    parameters: [{ $ref: '#/components/parameters/ID' }]
    post:
      summary: Delete a feed (admin); the posts it brought stay.
      responses:
        '200': { description: 'deleted: the id' }
        '404': { $ref: '#/components/responses/Error' }
  /api/v1/watchlists:
    get:
      summary: Every watchlist with its terms (staff).
      responses:
        '200': { description: 'watchlists: id, name, category, threshold, active, terms (text, weight, exclusions), created_at, updated_at, updated_by', content: { application/json: { schema: { type: object } } } }
    post:
      summary: "Create a watchlist (admin, supervisor, analyst). Each term is a word, phrase, hashtag, account or domain; it matches as a whole word, after the matcher undoes case, look-alike letters, diacritics, digits for letters, stretched and split letters, with Indonesian affixes (berjudi, perjudian, judinya match judi). A text whose terms' weights add up to the threshold is a finding. Every change is an audit event."
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/WatchlistInput'
      responses:
        '201': { description: 'The watchlist, as GET shows it' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/watchlists/test:
    post:
      summary: "What a text (and, as for a post, its author and links) would match, and why: each match with its watchlist, term, category, weight, where it was found (field: text, author or url) and, in the text, the offsets of the whole word (UTF-16 code units, as JavaScript counts; `offsets: utf16`), the score per watchlist (the weights of its distinct terms found), their sum, and the watchlists whose threshold the text reaches (findings)."
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [text]
              properties:
                text: { type: string, maxLength: 200000 }
                author: { type: string, maxLength: 200 }
                urls: { type: array, maxItems: 100, items: { type: string } }
      responses:
        '200': { description: 'score, scores, findings, offsets, matches: watchlist, watchlist_name, term, category, weight, field, start, end, value (the author or link matched)' }
  /api/v1/watchlists/{id}:
    parameters: [{ $ref: '#/components/parameters/ID' }]
    get:
      summary: One watchlist (staff).
      responses:
        '200': { description: The watchlist }
    post:
      summary: "Change a watchlist: absent fields stay as they are; `terms` replaces every term; `active: false` switches it off (admin, supervisor, analyst)."
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                name: { type: string, pattern: '\S', maxLength: 200 }
                category: { type: string, description: 'A category slug, e.g. perjudian' }
                threshold: { type: number, minimum: 0, exclusiveMinimum: true, maximum: 1000 }
                active: { type: boolean }
                terms: { type: array, minItems: 1, maxItems: 10000, items: { $ref: '#/components/schemas/WatchTerm' } }
      responses:
        '200': { description: The watchlist as changed }
  /api/v1/watchlists/{id}/delete:
    parameters: [{ $ref: '#/components/parameters/ID' }]
    post:
      summary: Delete a watchlist and its terms (admin, supervisor, analyst).
      responses:
        '200': { description: 'deleted: the id' }
"""#, schemas: #"""
    WatchTerm:
      type: object
      required: [text]
      properties:
        text: { type: string, minLength: 1, maxLength: 200, description: 'a word, phrase, #hashtag, @account or domain; must keep a letter or digit once normalised' }
        weight: { type: number, minimum: 0, exclusiveMinimum: true, maximum: 1000, default: 1 }
        exclusions: { type: array, maxItems: 50, items: { type: string, minLength: 1, maxLength: 200 }, description: 'phrases that make an occurrence innocent, e.g. "slot waktu" for "slot"' }
        active: { type: boolean, default: true, description: 'false: kept in the list, not matched' }
    MonitoredPost:
      type: object
      required: [id, text]
      properties:
        id: { type: string, minLength: 1, maxLength: 128, description: "the platform's id of the post (TikTok, X, Facebook: digits; Instagram: the shortcode; YouTube: the 11-character video id)" }
        author: { type: string, maxLength: 100, description: 'the handle, with or without @' }
        text: { type: string, maxLength: 10000 }
        urls: { type: array, maxItems: 20, items: { type: string, minLength: 1, maxLength: 2048 } }
        created_at: { type: string, format: date-time }
        views: { type: integer, minimum: 0 }
        likes: { type: integer, minimum: 0 }
        media:
          type: array
          maxItems: 20
          items:
            type: object
            required: [url]
            properties:
              url: { type: string, minLength: 1, maxLength: 2048 }
              sha256: { type: string, pattern: '^[0-9a-f]{64}$' }
    WatchlistInput:
      type: object
      required: [name, category, terms]
      properties:
        name: { type: string, pattern: '\S', maxLength: 200 }
        category: { type: string, description: 'A category slug, e.g. perjudian' }
        threshold: { type: number, minimum: 0, exclusiveMinimum: true, maximum: 1000, default: 1 }
        active: { type: boolean, default: true }
        terms: { type: array, minItems: 1, maxItems: 10000, items: { $ref: '#/components/schemas/WatchTerm' } }
"""#)
}
