import PantauCore

extension OpenAPIDocument {
    /// The intake: reports, their status, evidence, mentions sent by platforms, and the figures.
    static let intake = Fragment(paths: #"""
  /api/v1/reports:
    post:
      security: []
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
      security: []
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
      security: []
      summary: Upload an evidence file (PNG, JPEG, GIF, WebP or PDF; type checked by content)
      operationId: uploadEvidence
      requestBody:
        required: true
        content:
          application/octet-stream:
            schema: { type: string, format: binary, minLength: 1 }
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
        '429': { $ref: '#/components/responses/Error' }
        '503': { $ref: '#/components/responses/Error' }
        '422': { $ref: '#/components/responses/Error' }
  /api/v1/platforms/{platform}/mentions:
    post:
      summary: Mentions of the regulator's official account, sent by a platform connector
      operationId: receiveMentions
      description: Needs the bearer token of a `platform` account bound to this platform (or of an admin); another platform's token is 403.
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
      security: []
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
"""#, schemas: #"""
    Subject:
      type: object
      required: [platform, kind, id, key]
      properties:
        platform: { type: string, enum: \#(values(Platform.self)) }
        kind: { type: string, enum: \#(values(SubjectKind.self)) }
        id: { type: string }
        key: { type: string, description: 'PLATFORM:KIND:ID, e.g. tiktok:video:7301234567890123456' }
    CreateReport:
      type: object
      description: Give url, or handle with platform.
      properties:
        url: { type: string, maxLength: 2048 }
        handle: { type: string }
        platform: { type: string, enum: \#(values(Platform.self)) }
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
        status: { type: string, enum: \#(values(CaseStatus.self)) }
        outcome:
          type: string
          description: The stage in plain language (what the reporter is told).
          enum: \#(values(PublicOutcome.self))
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
        channel: { type: string, enum: \#(values(ReportChannel.self)) }
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
            verdict: { type: string, enum: \#(values(Verdict.self, except: [.needMoreInformation])) }
            action: { type: string, enum: \#(values(ProposedAction.self)) }
            category: { type: string }
            legal_bases: { type: array, items: { type: string } }
            public_reason: { type: string }
            decided_at: { type: string, format: date-time }
    Mention:
      type: object
      required: [id, text]
      properties:
        id: { type: string, pattern: '^[!-~]{1,128}$', description: 'the platform id of the mention: 1–128 visible ASCII characters' }
        author: { type: string, pattern: '^[^\x00-\x1F\x7F-\x9F]{1,100}$', description: '1–100 characters, no control characters' }
        text: { type: string, maxLength: 10000, pattern: '^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$', description: 'no control characters but line breaks and tabs' }
        created_at: { type: string, format: date-time }
        urls: { type: array, maxItems: 20, items: { type: string, maxLength: 2048 } }
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
"""#)
}
