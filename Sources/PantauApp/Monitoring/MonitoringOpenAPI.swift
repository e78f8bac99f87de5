import PantauCore

extension OpenAPIDocument {
    /// The monitoring's watchlists and the matcher's test.
    static let monitoring = Fragment(paths: #"""
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
      summary: "What a text would match, and why: each match with its watchlist, term, category, weight and the offsets of the whole word in the text (UTF-16 code units, as JavaScript counts; `offsets: utf16`), the score per watchlist (the weights of its distinct terms found), their sum, and the watchlists whose threshold the text reaches (findings)."
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [text]
              properties:
                text: { type: string, maxLength: 200000 }
      responses:
        '200': { description: 'score, scores, findings, offsets, matches: watchlist, watchlist_name, term, category, weight, start, end' }
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
