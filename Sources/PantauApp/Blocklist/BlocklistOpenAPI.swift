import PantauCore

extension OpenAPIDocument {
    /// Network blocking: the public check, proposals and their review, lifts (normalisasi), the allow-list, the DNS secondaries.
    static let blocklist = Fragment(paths: #"""
  /api/v1/check:
    get:
      security: []
      summary: Is this name blocked, and why? (public). Any URL or name; answered for its normalised form.
      parameters: [{ name: name, in: query, required: true, description: 'A domain (Unicode or punycode), a URL or an app name.', schema: { type: string, minLength: 1, maxLength: 2048 }, example: 'https://v16.tiktok.com/video' }]
      responses:
        '200':
          description: 'status: blocked | allowed | not_blocked; blocked_by: entry (e.g. *.tiktok.com), matched_by (exact | subdomains | ip), since, reason, legal_bases, app, proposal, appeal (link); allowed_by: entry, reason, since'
        '400': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/blocklist/secondaries:
    get:
      summary: "The DNS secondaries (ISP resolvers) of the RPZ zone and the last serial each transferred from Pantau's DNS primary (staff)."
      responses:
        '200': { description: 'serial (the latest), secondaries (one per secondary and zone): client (TSIG key name or address), zone, key_name, serial, behind, kind (AXFR, IXFR), bytes, transferred_at' }
        '401': { $ref: '#/components/responses/Error' }
        '403': { $ref: '#/components/responses/Error' }
  /api/v1/blocks:
    get:
      summary: Block entries by state (staff).
      parameters: [{ name: state, in: query, required: false, schema: { type: string, enum: \#(values(BlockEntryState.self)), default: active } }]
      responses:
        '200': { description: 'serial, entries (at most 1,000)' }
        '400': { $ref: '#/components/responses/Error' }
    post:
      summary: Propose blocking names, an app (a named set of domains) or IPs; takes effect when a supervisor other than the proposer approves it.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [names, reason, legal_bases]
              properties:
                names: { type: array, items: { type: string }, description: 'judi.example, *.tiktok.com (the name and all subdomains), 203.0.113.7, 198.51.100.0/24; URLs are reduced to their host.' }
                action: { type: string, enum: \#(values(BlockAction.self)), default: nxdomain }
                reason: { type: string, minLength: 20 }
                legal_bases: { type: array, items: { type: string } }
                case_ids: { type: array, items: { type: string, format: uuid } }
                sanction_id: { type: string, format: uuid }
                app: { type: object, properties: { slug: { type: string }, name: { type: string } } }
                effective_at: { type: string, format: date-time }
                until: { type: string, format: date-time }
      responses:
        '201': { description: 'The proposal (number BLK-…, entries, serial)' }
        '409': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/blocks/lift:
    post:
      summary: Propose a normalisation (lift) of an app's or given entries, with its conditions and commitments.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [conditions]
              properties:
                app: { type: string, description: 'The app slug.' }
                entries: { type: array, items: { type: string, format: uuid } }
                conditions: { type: string, minLength: 20 }
                effective_at: { type: string, format: date-time }
      responses:
        '201': { description: 'The proposal (number NRM-…)' }
        '404': { $ref: '#/components/responses/Error' }
        '409': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/block-proposals/{id}/review:
    post:
      summary: A supervisor other than the proposer approves (published under a new serial) or rejects (with a reason) a block or lift proposal.
      parameters: [{ $ref: '#/components/parameters/ID' }]
      requestBody:
        required: true
        content:
          application/json:
            schema: { type: object, required: [approve], properties: { approve: { type: boolean }, reason: { type: string } } }
      responses:
        '200': { description: The proposal }
        '403': { $ref: '#/components/responses/Error' }
        '404': { $ref: '#/components/responses/Error' }
        '409': { $ref: '#/components/responses/Error' }
  /api/v1/allow-list:
    post:
      summary: Add a name (or *.name with its subdomains) to the allow-list; exported as rpz-passthru; blocks it covers are refused.
      requestBody:
        required: true
        content:
          application/json:
            schema: { type: object, required: [name, reason], properties: { name: { type: string }, reason: { type: string, minLength: 20 } } }
      responses:
        '201': { description: 'id, name, kind, serial' }
        '409': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/allow-list/{id}/remove:
    post:
      summary: Remove an allow-list entry (published under a new serial).
      parameters: [{ $ref: '#/components/parameters/ID' }]
      responses:
        '200': { description: 'removed, serial' }
        '404': { $ref: '#/components/responses/Error' }
"""#)
}
