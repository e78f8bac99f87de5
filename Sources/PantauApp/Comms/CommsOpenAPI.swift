import PantauCore

extension OpenAPIDocument {
    /// The official accounts, campaigns and the inbox of mentions.
    static let comms = Fragment(paths: #"""
  /api/v1/accounts:
    get:
      security: []
      summary: "The regulator's official accounts on every platform, with their latest figures (public)."
      responses:
        '200': { description: 'accounts: id, platform, handle, url, verified, since, owner_unit, active, latest (followers, posts, likes, views, taken_at, source) or null', content: { application/json: { schema: { type: object } } } }
    post:
      summary: Register an official account (comms).
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [platform, handle, owner_unit]
              properties:
                platform: { type: string, enum: \#(values(Platform.self)) }
                handle: { type: string, pattern: '^@?[A-Za-z0-9._-]{1,100}$', example: kemkominfo }
                verified: { type: boolean, default: false }
                since: { type: string, format: date }
                owner_unit: { type: string, pattern: '\S', example: Biro Humas }
      responses:
        '201': { description: The account }
        '401': { $ref: '#/components/responses/Error' }
        '403': { $ref: '#/components/responses/Error' }
        '409': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/accounts/{id}/snapshots:
    parameters: [{ $ref: '#/components/parameters/ID' }]
    get:
      security: []
      summary: An account's figures over time, oldest first (public).
      responses:
        '200': { description: 'snapshots: taken_at, followers, posts, likes, views, source (manual, csv, api)' }
        '404': { $ref: '#/components/responses/Error' }
    post:
      summary: "A connector's figures of the account (comms token). A snapshot at a time already stored replaces it, so sending again changes nothing."
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [followers]
              properties:
                taken_at: { type: string, format: date-time, description: 'default now' }
                followers: { type: integer, minimum: 0 }
                posts: { type: integer, minimum: 0 }
                likes: { type: integer, minimum: 0 }
                views: { type: integer, minimum: 0 }
      responses:
        '201': { description: The stored snapshot }
        '401': { $ref: '#/components/responses/Error' }
        '403': { $ref: '#/components/responses/Error' }
        '404': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/accounts/{id}:
    parameters: [{ $ref: '#/components/parameters/ID' }]
    post:
      summary: "Change an official account (comms): verify, deactivate or re-activate it, set its owner unit, or its publishing connector and webhook. Absent fields stay as they are; the answer never shows the secret."
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                verified: { type: boolean }
                since: { type: string, format: date }
                owner_unit: { type: string, pattern: '\S' }
                active: { type: boolean, description: 'an inactive account gets no campaign posts' }
                connector: { type: string, default: webhook, description: 'the name of a connector this server knows (built in: webhook)' }
                publish_webhook_url: { type: string, description: 'where the built-in connector POSTs campaign posts; empty removes it' }
                publish_webhook_secret: { type: string, minLength: 16, description: 'signs the posts (Pantau-Signature, as for takedown orders)' }
      responses:
        '200': { description: 'The account, with connector and connector_ready' }
        '401': { $ref: '#/components/responses/Error' }
        '403': { $ref: '#/components/responses/Error' }
        '404': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/campaigns:
    get:
      security: []
      summary: "Campaigns, newest first: released ones for everyone; scheduled and cancelled ones too for comms staff."
      responses:
        '200': { description: 'campaigns: id, title, message, media_urls, scheduled_at, late_after_minutes, status (scheduled, released, cancelled), released_at, fair (null before release), posts (id, platform, account_handle, account_url, status, flag (on_time, late, waiting, overdue, left_out, not_applicable), published_at, delay_minutes, url; last_error for staff), left_out (platform, account_handle)', content: { application/json: { schema: { type: object } } } }
    post:
      summary: "Schedule a campaign (comms): one message for every active official account — none can be left out. Released at its time into the outbox and published through each account's connector."
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [title, message]
              properties:
                title: { type: string, maxLength: 200 }
                message: { type: string, description: 'at most the strictest active platform allows (X: 280 characters)' }
                media_urls: { type: array, maxItems: 4, items: { type: string, format: uri } }
                scheduled_at: { type: string, format: date-time, description: 'ISO 8601, or YYYY-MM-DDTHH:MM in WIB; default now' }
                late_after_minutes: { type: integer, minimum: 0, maximum: 10080, default: 60 }
      responses:
        '201': { description: The campaign with its posts }
        '401': { $ref: '#/components/responses/Error' }
        '403': { $ref: '#/components/responses/Error' }
        '409': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/campaigns/{id}:
    parameters: [{ $ref: '#/components/parameters/ID' }]
    get:
      security: []
      summary: One campaign, per platform (public once released).
      responses:
        '200': { description: The campaign with its posts }
        '404': { $ref: '#/components/responses/Error' }
  /api/v1/campaigns/{id}/cancel:
    parameters: [{ $ref: '#/components/parameters/ID' }]
    post:
      summary: Cancel a campaign before its time (comms).
      responses:
        '200': { description: The cancelled campaign }
        '401': { $ref: '#/components/responses/Error' }
        '403': { $ref: '#/components/responses/Error' }
        '404': { $ref: '#/components/responses/Error' }
        '409': { $ref: '#/components/responses/Error' }
  /api/v1/campaigns/{id}/posts/{post}/published:
    parameters:
      - { name: id, in: path, required: true, schema: { type: string, format: uuid } }
      - { name: post, in: path, required: true, schema: { type: string, format: uuid } }
    post:
      summary: "Record a post published by hand (comms): for an account without a connector, or one whose connector gave up."
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [url]
              properties:
                url: { type: string, format: uri }
                published_at: { type: string, format: date-time, description: 'default now' }
      responses:
        '200': { description: The campaign }
        '401': { $ref: '#/components/responses/Error' }
        '403': { $ref: '#/components/responses/Error' }
        '404': { $ref: '#/components/responses/Error' }
        '409': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/mentions/inbox:
    get:
      summary: "Mentions of the official accounts that are not reports (questions, thanks), newest first, for comms staff to answer."
      parameters:
        - { name: status, in: query, required: false, schema: { type: string, enum: \#(values(MentionInboxService.Status.self)), default: open } }
        - { name: platform, in: query, required: false, schema: { type: string, enum: \#(valuesOrEmpty(Platform.self)) } }
        - { name: cursor, in: query, required: false, description: 'The next cursor of the previous page.', schema: { type: string, pattern: '^(\#(QueueCursor.pattern))?$' } }
      responses:
        '200': { description: 'mentions (id, platform, mention_id, text, kind (question, thanks, other), mentioned_at, received_at, reply (handling, text, reply_url, actor, handled_at) or null), next_cursor' }
        '400': { $ref: '#/components/responses/Error' }
        '401': { $ref: '#/components/responses/Error' }
        '403': { $ref: '#/components/responses/Error' }
  /api/v1/mentions/{id}/reply:
    parameters: [{ $ref: '#/components/parameters/ID' }]
    post:
      summary: "Record the reply to an inbox mention, or close it without one (comms). Once per mention."
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [text]
              properties:
                handling: { type: string, enum: \#(values(MentionHandling.self)), default: answered }
                text: { type: string, minLength: 1, maxLength: 2000, pattern: '\S', description: 'the reply sent, or why none is needed' }
                reply_url: { type: string, format: uri }
      responses:
        '201': { description: The recorded reply }
        '401': { $ref: '#/components/responses/Error' }
        '403': { $ref: '#/components/responses/Error' }
        '404': { $ref: '#/components/responses/Error' }
        '409': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
"""#)
}
