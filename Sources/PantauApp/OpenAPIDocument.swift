/// The OpenAPI description of the JSON API, served at `/openapi.yaml`.
/// Kept in the binary so every deployment serves the spec it implements.
enum OpenAPIDocument {
    static let yaml = #"""
openapi: 3.0.3
info:
  title: Pantau API
  version: "1.0"
  description: |
    Intake of reports of negative online content. Errors are always JSON:
    {"error": {"code": "...", "message": "...", "field": "..."}}.
servers:
  - url: /
paths:
  /api/v1/reports:
    post:
      summary: File a report
      operationId: createReport
      parameters:
        - name: Idempotency-Key
          in: header
          required: false
          description: A retry with the same key returns the same answer and stores nothing new.
          schema: { type: string, minLength: 1, maxLength: 200 }
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: '#/components/schemas/CreateReport' }
      responses:
        '201':
          description: Stored durably (committed before this answer).
          content:
            application/json:
              schema: { $ref: '#/components/schemas/CreatedReport' }
        '400': { $ref: '#/components/responses/Error' }
        '413': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/reports/{ticket}:
    get:
      summary: Status of a report
      operationId: getReport
      parameters:
        - name: ticket
          in: path
          required: true
          schema: { type: string, pattern: '^ADU-[0-9]{8}-[0-9A-HJKMNP-TV-Z]{10}$' }
      responses:
        '200':
          description: The report's public status.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/ReportStatus' }
        '404': { $ref: '#/components/responses/Error' }
  /api/v1/evidence:
    post:
      summary: Upload an evidence file (PNG, JPEG, GIF, WebP or PDF; type checked by content)
      operationId: uploadEvidence
      requestBody:
        required: true
        content:
          application/octet-stream:
            schema: { type: string, format: binary }
      responses:
        '201':
          description: Stored, addressed by its SHA-256 (the same file is stored once).
          content:
            application/json:
              schema:
                type: object
                required: [sha256, media_type, size]
                properties:
                  sha256: { type: string }
                  media_type: { type: string }
                  size: { type: integer }
        '413': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/platforms/{platform}/mentions:
    post:
      summary: Mentions of the regulator's official account, sent by a platform connector
      operationId: receiveMentions
      description: Needs the bearer token of a `platform` account bound to this platform (or of an admin); another platform's token is 403.
      security: [{ bearer: [] }]
      parameters:
        - name: platform
          in: path
          required: true
          schema: { type: string, enum: [tiktok, x, facebook, instagram, youtube, line] }
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [mentions]
              properties:
                mentions:
                  type: array
                  maxItems: 1000
                  items: { $ref: '#/components/schemas/Mention' }
      responses:
        '200':
          description: One report per target found; mentions without a target are listed as ignored. Idempotent on (platform, id).
          content:
            application/json:
              schema: { $ref: '#/components/schemas/MentionResult' }
        '400': { $ref: '#/components/responses/Error' }
        '404': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/stats:
    get:
      summary: Totals
      operationId: getStats
      responses:
        '200':
          description: Counts of reports and cases.
          content:
            application/json:
              schema:
                type: object
                required: [reports, cases, open_cases, by_channel, by_category]
                properties:
                  reports: { type: integer }
                  cases: { type: integer }
                  open_cases: { type: integer }
                  by_channel: { type: object, additionalProperties: { type: integer } }
                  by_category: { type: object, additionalProperties: { type: integer } }
  /api/v1/me:
    get:
      summary: Who the bearer token acts for
      operationId: getMe
      security: [{ bearer: [] }]
      responses:
        '200':
          description: The token's account.
          content:
            application/json:
              schema:
                type: object
                required: [email, display_name, role]
                properties:
                  email: { type: string }
                  display_name: { type: string }
                  role: { type: string, enum: [admin, supervisor, analyst, triage, comms, platform, isp] }
                  platform: { type: string, description: Only for role platform. }
        '401': { $ref: '#/components/responses/Error' }
  /api/v1/cases:
    get:
      summary: The triage queue (keyset-paginated), with counts per status, platform and category.
      security: [{ bearer: [] }]
      parameters:
        - { name: status, in: query, schema: { type: string }, description: 'Comma-separated statuses, "all", or empty for the active ones.' }
        - { name: category, in: query, schema: { type: string } }
        - { name: platform, in: query, schema: { type: string } }
        - { name: channel, in: query, schema: { type: string } }
        - { name: priority, in: query, schema: { type: string, enum: [high, medium, low] } }
        - { name: assignee, in: query, schema: { type: string }, description: 'mine, unassigned, or a user id.' }
        - { name: deadline, in: query, schema: { type: string, enum: [overdue, due_soon, on_track] } }
        - { name: from, in: query, schema: { type: string, format: date } }
        - { name: to, in: query, schema: { type: string, format: date } }
        - { name: q, in: query, schema: { type: string }, description: Text in the subject key or a report's description. }
        - { name: sort, in: query, schema: { type: string, enum: [priority, newest, oldest, most_reported] } }
        - { name: after, in: query, schema: { type: string }, description: The next_cursor of the previous page. }
      responses:
        '200': { description: 'cases[], next_cursor, counts{status, platform, category, mine}' }
        '400': { $ref: '#/components/responses/Error' }
        '401': { $ref: '#/components/responses/Error' }
        '403': { $ref: '#/components/responses/Error' }
  /api/v1/cases/bulk:
    post:
      summary: 'One action on many cases, all or none: assign, unassign, set_category, duplicate, escalate, dismiss (not violating; needs decide permission).'
      security: [{ bearer: [] }]
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [action, case_ids]
              properties:
                action: { type: string, enum: [assign, unassign, set_category, duplicate, escalate, dismiss] }
                case_ids: { type: array, items: { type: string, format: uuid }, maxItems: 500 }
                assignee_id: { type: string, format: uuid }
                category: { type: string }
                target: { type: string, format: uuid, description: The original case for duplicate. }
                reason: { type: string, description: 'Escalation reason, or the shared statement of a dismissal.' }
      responses:
        '200': { description: Done on every case. }
        '401': { $ref: '#/components/responses/Error' }
        '403': { $ref: '#/components/responses/Error' }
        '409': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/cases/{id}:
    get:
      summary: One case with its reports (no contact data), decisions, comments, appeals, related cases and hash-chained events.
      security: [{ bearer: [] }]
      parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
      responses:
        '200': { description: The case. }
        '404': { $ref: '#/components/responses/Error' }
  /api/v1/cases/{id}/claim:
    post:
      summary: Assigns the case to the caller.
      security: [{ bearer: [] }]
      parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
      responses:
        '200': { description: The case. }
        '409': { $ref: '#/components/responses/Error' }
  /api/v1/cases/{id}/decisions:
    post:
      summary: Decides the case. Four eyes (network block, high-impact case) leaves it pending_approval.
      security: [{ bearer: [] }]
      parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
      requestBody:
        content:
          application/json:
            schema: { $ref: '#/components/schemas/Decision' }
      responses:
        '201': { description: 'case_id, case_status, decision_id, needs_approval' }
        '409': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/cases/{id}/comments:
    post:
      summary: An internal comment (staff only).
      security: [{ bearer: [] }]
      parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
      requestBody:
        content:
          application/json:
            schema: { type: object, required: [body], properties: { body: { type: string }, pinned: { type: boolean } } }
      responses:
        '201': { description: The case. }
  /api/v1/decisions/{id}/review:
    post:
      summary: A supervisor who is not the decider approves or rejects (reason required) a pending decision.
      security: [{ bearer: [] }]
      parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
      requestBody:
        content:
          application/json:
            schema: { type: object, required: [approve], properties: { approve: { type: boolean }, reason: { type: string } } }
      responses:
        '200': { description: 'case_status, decision_id' }
        '403': { $ref: '#/components/responses/Error' }
        '409': { $ref: '#/components/responses/Error' }
  /api/v1/appeals:
    post:
      summary: An appeal (banding) against a decision; reopens the case for a different analyst with a deadline.
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [reference, reason]
              properties:
                reference: { type: string, description: 'Ticket number, case id, or the content URL.' }
                reason: { type: string, minLength: 20 }
                contact: { type: object, properties: { name: { type: string }, email: { type: string } } }
      responses:
        '201': { description: 'reference (BDG-…), case_id, due_at' }
        '404': { $ref: '#/components/responses/Error' }
        '409': { $ref: '#/components/responses/Error' }
  /api/v1/platform/orders:
    get:
      summary: The calling platform's takedown orders (token of role `platform`; other platforms' orders are never listed).
      security: [{ bearer: [] }]
      parameters:
        - { name: status, in: query, required: false, schema: { type: string, enum: [dispatching, sent, acknowledged, overdue, answered, complied] } }
        - { name: since, in: query, required: false, description: 'Orders created at or after this RFC 3339 time.', schema: { type: string, format: date-time } }
      responses:
        '200':
          description: Newest first, at most 200.
          content:
            application/json:
              schema: { type: object, properties: { orders: { type: array, items: { $ref: '#/components/schemas/Order' } } } }
        '400': { $ref: '#/components/responses/Error' }
        '401': { $ref: '#/components/responses/Error' }
        '403': { $ref: '#/components/responses/Error' }
  /api/v1/platform/orders/{id}:
    get:
      summary: One of the calling platform's orders (another platform's order is 404).
      security: [{ bearer: [] }]
      parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
      responses:
        '200': { description: The order, content: { application/json: { schema: { $ref: '#/components/schemas/Order' } } } }
        '404': { $ref: '#/components/responses/Error' }
  /api/v1/platform/orders/{id}/acknowledge:
    post:
      summary: Confirm receipt of an order (idempotent).
      security: [{ bearer: [] }]
      parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
      responses:
        '200': { description: The order, content: { application/json: { schema: { $ref: '#/components/schemas/Order' } } } }
        '404': { $ref: '#/components/responses/Error' }
  /api/v1/platform/orders/{id}/items/{item}:
    post:
      summary: Answer one item. `complied` needs `removed_at`; `rejected` and `objected` (sanggah, reviewed again by a different analyst) need a reason. The same answer again changes nothing (header Idempotent-Replayed); a different one is 409.
      security: [{ bearer: [] }]
      parameters:
        - { name: id, in: path, required: true, schema: { type: string, format: uuid } }
        - { name: item, in: path, required: true, schema: { type: string, format: uuid } }
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [answer]
              properties:
                answer: { type: string, enum: [complied, rejected, objected] }
                removed_at: { type: string, format: date-time, description: 'When the content was taken down (complied).' }
                reason: { type: string, minLength: 20, maxLength: 4000 }
      responses:
        '200': { description: The order with the answered item, content: { application/json: { schema: { $ref: '#/components/schemas/Order' } } } }
        '400': { $ref: '#/components/responses/Error' }
        '404': { $ref: '#/components/responses/Error' }
        '409': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/orders:
    get:
      summary: All takedown orders (staff).
      security: [{ bearer: [] }]
      parameters:
        - { name: platform, in: query, required: false, schema: { type: string } }
        - { name: status, in: query, required: false, schema: { type: string } }
      responses:
        '200': { description: 'orders: newest first, at most 200' }
  /api/v1/orders/{id}:
    get:
      summary: One order (staff).
      security: [{ bearer: [] }]
      parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
      responses:
        '200': { description: The order, content: { application/json: { schema: { $ref: '#/components/schemas/Order' } } } }
        '404': { $ref: '#/components/responses/Error' }
  /api/v1/orders/{id}/sent-manually:
    post:
      summary: Record that an order waiting for a hand-sent e-mail (no webhook, no SMTP relay) was sent; its deadline starts now.
      security: [{ bearer: [] }]
      parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
      requestBody:
        required: true
        content:
          application/json:
            schema: { type: object, required: [note], properties: { note: { type: string, minLength: 5, maxLength: 500 } } }
      responses:
        '200': { description: The order, content: { application/json: { schema: { $ref: '#/components/schemas/Order' } } } }
        '404': { $ref: '#/components/responses/Error' }
        '409': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/order-items/{id}/recheck:
    post:
      summary: A re-check found a complied item still online; it opens again with a fresh deadline and counts against the platform.
      security: [{ bearer: [] }]
      parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [evidence]
              properties:
                evidence: { type: string, minLength: 10, description: 'Where and when the content is still visible.' }
                evidence_sha256: { type: string, description: 'SHA-256 of an evidence file uploaded with POST /api/v1/evidence.' }
      responses:
        '200': { description: The order, content: { application/json: { schema: { $ref: '#/components/schemas/Order' } } } }
        '404': { $ref: '#/components/responses/Error' }
        '409': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/compliance:
    get:
      summary: Every platform's compliance over a period (orders by the time they were sent).
      security: [{ bearer: [] }]
      parameters:
        - { name: period, in: query, required: false, schema: { type: string, enum: [month, quarter, year, custom], default: quarter } }
        - { name: from, in: query, required: false, description: 'First day (YYYY-MM-DD, WIB), with period=custom.', schema: { type: string } }
        - { name: to, in: query, required: false, description: 'Last day (YYYY-MM-DD, WIB), included.', schema: { type: string } }
      responses:
        '200':
          description: 'from, to, platforms: platform, items, items_by_status, orders_by_status, on_time_rate (0–1), median_hours_to_comply, rejected_share, objected_share, overdue_now, found_online_again'
        '400': { $ref: '#/components/responses/Error' }
  /api/v1/sanctions:
    post:
      summary: Propose the platform's next sanction (ST1 → ST2 with a fine → ST3 → network block recommended), citing its overdue or refused items.
      security: [{ bearer: [] }]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [platform, items, reason]
              properties:
                platform: { type: string }
                items: { type: array, items: { type: string, format: uuid } }
                reason: { type: string, minLength: 20 }
      responses:
        '201': { description: The proposed sanction, content: { application/json: { schema: { $ref: '#/components/schemas/Sanction' } } } }
        '409': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/sanctions/{id}/review:
    post:
      summary: A supervisor other than the proposer issues (approve true) or rejects (with a reason) a proposed sanction.
      security: [{ bearer: [] }]
      parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
      requestBody:
        required: true
        content:
          application/json:
            schema: { type: object, required: [approve], properties: { approve: { type: boolean }, reason: { type: string } } }
      responses:
        '200': { description: The sanction, content: { application/json: { schema: { $ref: '#/components/schemas/Sanction' } } } }
        '403': { $ref: '#/components/responses/Error' }
        '404': { $ref: '#/components/responses/Error' }
        '409': { $ref: '#/components/responses/Error' }
  /api/v1/check:
    get:
      summary: Is this name blocked, and why? (public). Any URL or name; answered for its normalised form.
      parameters: [{ name: name, in: query, required: true, schema: { type: string }, example: 'https://v16.tiktok.com/video' }]
      responses:
        '200':
          description: 'status: blocked | allowed | not_blocked; blocked_by: entry (e.g. *.tiktok.com), matched_by (exact | subdomains | ip), since, reason, legal_bases, app, proposal, appeal (link); allowed_by: entry, reason, since'
        '400': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/transparency:
    get:
      summary: 'The public figures of /transparansi for a period (open data, public). Counts of 1-4 concerning people (reports, decisions, appeals) are suppressed: value null, suppressed true.'
      parameters:
        - { name: period, in: query, required: false, schema: { type: string, enum: [month, quarter, year, custom], default: quarter } }
        - { name: from, in: query, required: false, description: 'custom period, first day (YYYY-MM-DD, WIB)', schema: { type: string, format: date } }
        - { name: to, in: query, required: false, description: 'custom period, last day (YYYY-MM-DD, WIB)', schema: { type: string, format: date } }
        - { name: format, in: query, required: false, schema: { type: string, enum: [json, csv], default: json } }
      responses:
        '200':
          description: 'JSON: period, small_cells_suppressed_below, tables (reports_by_category, reports_by_channel, decisions, decisions_by_week, orders, sanctions, blocklist_by_week, blocklist_size, appeals; each row its keys, week for series, value, suppressed). CSV: table,week,key,subkey,value,suppressed.'
          content:
            application/json: { schema: { type: object } }
            text/csv: { schema: { type: string } }
        '400': { $ref: '#/components/responses/Error' }
  /api/v1/statements:
    get:
      summary: 'Statements of reasons: every decision in force, in a schema modelled on the EU DSA Transparency Database (public, no personal data), streamed.'
      parameters:
        - { name: since, in: query, required: false, description: 'decisions made from this day (YYYY-MM-DD, WIB)', schema: { type: string, format: date } }
        - { name: until, in: query, required: false, description: 'decisions made up to and including this day', schema: { type: string, format: date } }
        - { name: format, in: query, required: false, schema: { type: string, enum: [jsonl, csv], default: jsonl } }
      responses:
        '200':
          description: 'One statement a line (JSON Lines) or a CSV with a header: uuid, decision_visibility, decision_ground, illegal_content_legal_ground, illegal_content_explanation, category, category_specification, content_type, territorial_scope, source_type, automated_detection, automated_decision, application_date, platform_name, puid, pantau_verdict, pantau_action, pantau_order_number, pantau_order_item_status'
          content:
            application/x-ndjson: { schema: { type: string } }
            text/csv: { schema: { type: string } }
        '400': { $ref: '#/components/responses/Error' }
  /api/v1/blocks/register:
    get:
      summary: 'The public register of block decisions, normalisations (with their conditions) and list imports, newest first.'
      parameters:
        - { name: q, in: query, required: false, description: 'a decision number, words of the reason, an app, or a blocked name', schema: { type: string } }
        - { name: page, in: query, required: false, schema: { type: integer, minimum: 1, default: 1 } }
      responses:
        '200': { description: 'entries (number, kind block|lift|import, app, names, effective_at, until, reason, legal_bases, conditions, approved_at, lifted_by), page, has_more', content: { application/json: { schema: { type: object } } } }
        '400': { $ref: '#/components/responses/Error' }
  /api/v1/trends:
    get:
      summary: 'Staff trend monitoring: reports and verified violations per platform and per category in a period, against the period of the same length just before.'
      security: [{ bearer: [] }]
      parameters:
        - { name: period, in: query, required: false, schema: { type: string, enum: [month, quarter, year, custom], default: quarter } }
        - { name: from, in: query, required: false, schema: { type: string, format: date } }
        - { name: to, in: query, required: false, schema: { type: string, format: date } }
        - { name: platform, in: query, required: false, schema: { type: string, enum: [tiktok, x, facebook, instagram, youtube, line, web] } }
        - { name: category, in: query, required: false, schema: { type: string } }
      responses:
        '200': { description: 'from, to, weeks (Mondays), by_platform and by_category: key, reports, previous_reports, reports_change (ratio - 1, null when nothing before), violations, previous_violations, violations_change, weekly_reports, weekly_violations', content: { application/json: { schema: { type: object } } } }
        '400': { $ref: '#/components/responses/Error' }
        '401': { $ref: '#/components/responses/Error' }
        '403': { $ref: '#/components/responses/Error' }
  /api/v1/accounts:
    get:
      summary: "The regulator's official accounts on every platform, with their latest figures (public)."
      responses:
        '200': { description: 'accounts: id, platform, handle, url, verified, since, owner_unit, active, latest (followers, posts, likes, views, taken_at, source) or null', content: { application/json: { schema: { type: object } } } }
    post:
      summary: Register an official account (comms).
      security: [{ bearer: [] }]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [platform, handle, owner_unit]
              properties:
                platform: { type: string, enum: [tiktok, x, facebook, instagram, youtube, line, web] }
                handle: { type: string, example: kemkominfo }
                verified: { type: boolean, default: false }
                since: { type: string, format: date }
                owner_unit: { type: string, example: Biro Humas }
      responses:
        '201': { description: The account }
        '401': { $ref: '#/components/responses/Error' }
        '403': { $ref: '#/components/responses/Error' }
        '409': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/accounts/{id}/snapshots:
    parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
    get:
      summary: An account's figures over time, oldest first (public).
      responses:
        '200': { description: 'snapshots: taken_at, followers, posts, likes, views, source (manual, csv, api)' }
        '404': { $ref: '#/components/responses/Error' }
    post:
      summary: "A connector's figures of the account (comms token). A snapshot at a time already stored replaces it, so sending again changes nothing."
      security: [{ bearer: [] }]
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
    parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
    post:
      summary: "Change an official account (comms): verify, deactivate or re-activate it, set its owner unit, or its publishing connector and webhook. Absent fields stay as they are; the answer never shows the secret."
      security: [{ bearer: [] }]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                verified: { type: boolean }
                since: { type: string, format: date }
                owner_unit: { type: string }
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
      summary: "Campaigns, newest first: released ones for everyone; scheduled and cancelled ones too for comms staff."
      responses:
        '200': { description: 'campaigns: id, title, message, media_urls, scheduled_at, late_after_minutes, status (scheduled, released, cancelled), released_at, fair (null before release), posts (id, platform, account_handle, account_url, status, flag (on_time, late, waiting, overdue, left_out, not_applicable), published_at, delay_minutes, url; last_error for staff), left_out (platform, account_handle)', content: { application/json: { schema: { type: object } } } }
    post:
      summary: "Schedule a campaign (comms): one message for every active official account — none can be left out. Released at its time into the outbox and published through each account's connector."
      security: [{ bearer: [] }]
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
    parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
    get:
      summary: One campaign, per platform (public once released).
      responses:
        '200': { description: The campaign with its posts }
        '404': { $ref: '#/components/responses/Error' }
  /api/v1/campaigns/{id}/cancel:
    parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
    post:
      summary: Cancel a campaign before its time (comms).
      security: [{ bearer: [] }]
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
      security: [{ bearer: [] }]
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
      security: [{ bearer: [] }]
      parameters:
        - { name: status, in: query, required: false, schema: { type: string, enum: [open, answered, closed, all], default: open } }
        - { name: platform, in: query, required: false, schema: { type: string, enum: [tiktok, x, facebook, instagram, youtube, line] } }
        - { name: cursor, in: query, required: false, schema: { type: string } }
      responses:
        '200': { description: 'mentions (id, platform, mention_id, text, kind (question, thanks, other), mentioned_at, received_at, reply (handling, text, reply_url, actor, handled_at) or null), next_cursor' }
        '400': { $ref: '#/components/responses/Error' }
        '401': { $ref: '#/components/responses/Error' }
        '403': { $ref: '#/components/responses/Error' }
  /api/v1/mentions/{id}/reply:
    parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
    post:
      summary: "Record the reply to an inbox mention, or close it without one (comms). Once per mention."
      security: [{ bearer: [] }]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [text]
              properties:
                handling: { type: string, enum: [answered, closed], default: answered }
                text: { type: string, maxLength: 2000, description: 'the reply sent, or why none is needed' }
                reply_url: { type: string, format: uri }
      responses:
        '201': { description: The recorded reply }
        '401': { $ref: '#/components/responses/Error' }
        '403': { $ref: '#/components/responses/Error' }
        '404': { $ref: '#/components/responses/Error' }
        '409': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/blocklist/secondaries:
    get:
      summary: "The DNS secondaries (ISP resolvers) of the RPZ zone and the last serial each transferred from Pantau's DNS primary (staff)."
      security: [{ bearer: [] }]
      responses:
        '200': { description: 'serial (the latest), secondaries: client (TSIG key name or address), key_name, serial, behind, kind (AXFR, IXFR), bytes, transferred_at' }
        '401': { $ref: '#/components/responses/Error' }
        '403': { $ref: '#/components/responses/Error' }
  /api/v1/blocks:
    get:
      summary: Block entries by state (staff).
      security: [{ bearer: [] }]
      parameters: [{ name: state, in: query, required: false, schema: { type: string, enum: [proposed, scheduled, active, lifted, rejected], default: active } }]
      responses:
        '200': { description: 'serial, entries (at most 1,000)' }
        '400': { $ref: '#/components/responses/Error' }
    post:
      summary: Propose blocking names, an app (a named set of domains) or IPs; takes effect when a supervisor other than the proposer approves it.
      security: [{ bearer: [] }]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [names, reason, legal_bases]
              properties:
                names: { type: array, items: { type: string }, description: 'judi.example, *.tiktok.com (the name and all subdomains), 203.0.113.7, 198.51.100.0/24; URLs are reduced to their host.' }
                action: { type: string, enum: [nxdomain, redirect], default: nxdomain }
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
      security: [{ bearer: [] }]
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
      security: [{ bearer: [] }]
      parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
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
      security: [{ bearer: [] }]
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
      security: [{ bearer: [] }]
      parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
      responses:
        '200': { description: 'removed, serial' }
        '404': { $ref: '#/components/responses/Error' }
components:
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
      description: An API token from `pantau token create` (`pnt_…`). A wrong or revoked token is 401 invalid_token; a role without the permission is 403 access_denied.
  responses:
    Error:
      description: The request was not accepted; nothing was stored.
      content:
        application/json:
          schema: { $ref: '#/components/schemas/Error' }
  schemas:
    Order:
      type: object
      properties:
        id: { type: string, format: uuid }
        number: { type: string, example: SPT-20261201-0001 }
        platform: { type: string }
        urgent: { type: boolean }
        status: { type: string, enum: [queued, dispatching, sent, acknowledged, overdue, answered, complied] }
        created_at: { type: string, format: date-time }
        sent_at: { type: string, format: date-time }
        deadline_at: { type: string, format: date-time }
        acknowledged_at: { type: string, format: date-time }
        items:
          type: array
          items:
            type: object
            properties:
              id: { type: string, format: uuid }
              case_id: { type: string, format: uuid }
              subject_key: { type: string }
              url: { type: string }
              category: { type: string }
              legal_bases: { type: array, items: { type: string } }
              public_reason: { type: string }
              status: { type: string, enum: [pending, overdue, complied, rejected, objected, withdrawn] }
              due_at: { type: string, format: date-time }
              answered_at: { type: string, format: date-time }
              removed_at: { type: string, format: date-time }
              answered_late: { type: boolean }
              reason: { type: string }
              appeal: { type: string, description: 'The appeal (BDG-…) an objection opened.' }
              times_found_online: { type: integer }
    Sanction:
      type: object
      properties:
        id: { type: string, format: uuid }
        number: { type: string }
        platform: { type: string }
        level: { type: string, enum: [st1, st2, st3, block_recommended] }
        state: { type: string, enum: [proposed, issued, rejected] }
        reason: { type: string }
        items: { type: array, items: { type: string, format: uuid } }
        fine_amount: { type: integer, description: 'Rupiah, ST2 only.' }
        proposed_by: { type: string }
        proposed_at: { type: string, format: date-time }
        reviewed_by: { type: string }
        reviewed_at: { type: string, format: date-time }
    Error:
      type: object
      required: [error]
      properties:
        error:
          type: object
          required: [code, message]
          properties:
            code: { type: string }
            message: { type: string }
            field: { type: string }
    Subject:
      type: object
      required: [platform, kind, id, key]
      properties:
        platform: { type: string, enum: [tiktok, x, facebook, instagram, youtube, line, web] }
        kind: { type: string, enum: [account, video, post, channel, shortlink, domain, url] }
        id: { type: string }
        key: { type: string, description: 'PLATFORM:KIND:ID, e.g. tiktok:video:7301234567890123456' }
    CreateReport:
      type: object
      description: Give url, or handle with platform.
      properties:
        url: { type: string, maxLength: 2048 }
        handle: { type: string }
        platform: { type: string, enum: [tiktok, x, facebook, instagram, youtube, line, web] }
        category: { type: string, description: 'A category slug, e.g. pornografi, perjudian, hoaks' }
        description: { type: string, maxLength: 5000 }
        reporter:
          type: object
          description: Optional contact; encrypted at rest and never returned.
          properties:
            name: { type: string, maxLength: 200 }
            email: { type: string, maxLength: 254 }
            phone: { type: string, maxLength: 32 }
        evidence:
          type: array
          maxItems: 10
          items: { type: string, description: sha256 returned by POST /api/v1/evidence }
      required: [category]
    CreatedReport:
      type: object
      required: [ticket, status_url, case, subject]
      properties:
        ticket: { type: string }
        status_url: { type: string }
        case:
          type: object
          required: [id, report_count]
          properties:
            id: { type: string, format: uuid }
            report_count: { type: integer }
        subject: { $ref: '#/components/schemas/Subject' }
    ReportStatus:
      type: object
      required: [ticket, status, outcome, status_label, explanation, received_at, channel, category, subject, case]
      properties:
        ticket: { type: string }
        status: { type: string, enum: [new, in_review, needs_info, escalated, pending_approval, decided, closed, reopened] }
        outcome:
          type: string
          description: The stage in plain language (what the reporter is told).
          enum: [received, being_verified, reviewed_again, violating_order_sent, violating_block_proposed, violating_no_action, not_violating, merged]
        explanation:
          type: object
          properties:
            id: { type: string }
            en: { type: string }
        status_label:
          type: object
          properties:
            id: { type: string }
            en: { type: string }
        received_at: { type: string, format: date-time }
        channel: { type: string, enum: [web, api, mention, import] }
        category: { type: string }
        subject: { $ref: '#/components/schemas/Subject' }
        case:
          type: object
          properties:
            id: { type: string, format: uuid }
            status: { type: string }
        decision:
          type: object
          nullable: true
          description: The public part of the latest final decision (no statement of reasons, no internal comments).
          properties:
            verdict: { type: string, enum: [violating, not_violating] }
            action: { type: string, enum: [takedown_order, network_block, no_action] }
            category: { type: string }
            legal_bases: { type: array, items: { type: string } }
            public_reason: { type: string }
            decided_at: { type: string, format: date-time }
    Decision:
      type: object
      required: [verdict, statement]
      properties:
        verdict: { type: string, enum: [violating, not_violating, need_more_information] }
        category: { type: string, description: Verified category; required for violating. }
        legal_bases: { type: array, items: { type: string }, description: 'Codes from the legal-basis table (e.g. uu-ite-27-1); at least one for violating.' }
        statement: { type: string, minLength: 50, description: 'Statement of reasons: facts and reasoning (at least 10 characters for need_more_information).' }
        public_reason: { type: string, description: Plain-language reason shown on reporters' ticket pages. }
        automated_detection: { type: boolean }
        automated_decision: { type: boolean }
        action: { type: string, enum: [takedown_order, network_block, no_action], description: Required for violating. }
    Mention:
      type: object
      required: [id, text]
      properties:
        id: { type: string, maxLength: 128 }
        author: { type: string, maxLength: 100 }
        text: { type: string, maxLength: 10000 }
        created_at: { type: string, format: date-time }
        urls: { type: array, maxItems: 20, items: { type: string } }
        in_reply_to: { type: string, description: 'id, @handle or URL of the post the mention answers' }
    MentionResult:
      type: object
      required: [accepted, reports, ignored]
      properties:
        accepted: { type: integer }
        reports:
          type: array
          items:
            type: object
            required: [mention_id, ticket, subject, category]
            properties:
              mention_id: { type: string }
              ticket: { type: string }
              subject: { $ref: '#/components/schemas/Subject' }
              category: { type: string }
        ignored:
          type: array
          items:
            type: object
            required: [mention_id, reason]
            properties:
              mention_id: { type: string }
              reason: { type: string }
"""#
}
