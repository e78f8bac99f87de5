import PantauCore

extension OpenAPIDocument {
    /// The public figures, statements of reasons, the register of blocks, and trends.
    static let transparency = Fragment(paths: #"""
  /api/v1/transparency:
    get:
      security: []
      summary: 'The public figures of /transparansi for a period (open data, public). Counts of 1-4 concerning people (reports, decisions, appeals) are suppressed: value null, suppressed true.'
      parameters:
        - { name: period, in: query, required: false, description: 'Empty: the quarter, or custom when a day is given.', schema: { type: string, enum: \#(valuesOrEmpty(CompliancePeriod.Kind.self)), default: quarter } }
        - { name: from, in: query, required: false, description: 'custom period, first day (YYYY-MM-DD, WIB); not after to, at most 3 years before it', schema: \#(orEmpty("{ type: string, format: date }")) }
        - { name: to, in: query, required: false, description: 'custom period, last day (YYYY-MM-DD, WIB)', schema: \#(orEmpty("{ type: string, format: date }")) }
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
      security: []
      summary: 'Statements of reasons: every decision in force that restricts something, valid under the EU DSA Transparency Database submission rules except territorial_scope ["ID"] (public, no personal data), streamed.'
      parameters:
        - { name: since, in: query, required: false, description: 'decisions made from this day (YYYY-MM-DD, WIB)', schema: { type: string, format: date } }
        - { name: until, in: query, required: false, description: 'decisions made up to and including this day', schema: { type: string, format: date } }
        - { name: format, in: query, required: false, schema: { type: string, enum: [jsonl, csv], default: jsonl } }
      responses:
        '200':
          description: 'One statement a line (JSON Lines) or a CSV with a header: uuid, decision_visibility, decision_ground, illegal_content_legal_ground, illegal_content_explanation, decision_facts, category, category_specification, category_specification_other, content_type, content_type_other, content_date, application_date, territorial_scope, source_type, automated_detection, automated_decision, puid, platform_name, pantau_subject, pantau_category, pantau_action, pantau_order_number, pantau_order_item_status (lists as JSON arrays)'
          content:
            application/x-ndjson: { schema: { type: string } }
            text/csv: { schema: { type: string } }
        '400': { $ref: '#/components/responses/Error' }
  /api/v1/blocks/register:
    get:
      security: []
      summary: 'The public register of block decisions, normalisations (with their conditions) and list imports, newest first.'
      parameters:
        - { name: q, in: query, required: false, description: 'a decision number, words of the reason, an app, or a blocked name', schema: { type: string } }
        - { name: page, in: query, required: false, schema: { type: integer, minimum: 1, maximum: 100000, default: 1 } }
      responses:
        '200': { description: 'entries (number, kind block|lift|import, app, names, effective_at, until, reason, legal_bases, conditions, approved_at, lifted_by), page, has_more', content: { application/json: { schema: { type: object } } } }
        '400': { $ref: '#/components/responses/Error' }
  /api/v1/trends:
    get:
      summary: 'Staff trend monitoring: reports and verified violations per platform and per category in a period, against the period of the same length just before.'
      parameters:
        - { name: period, in: query, required: false, description: 'Empty: the quarter, or custom when a day is given.', schema: { type: string, enum: \#(valuesOrEmpty(CompliancePeriod.Kind.self)), default: quarter } }
        - { name: from, in: query, required: false, schema: \#(orEmpty("{ type: string, format: date }")) }
        - { name: to, in: query, required: false, schema: \#(orEmpty("{ type: string, format: date }")) }
        - { name: platform, in: query, required: false, schema: { type: string, enum: \#(valuesOrEmpty(Platform.self)) } }
        - { name: category, in: query, required: false, schema: { type: string } }
      responses:
        '200': { description: 'from, to, weeks (Mondays), by_platform and by_category: key, reports, previous_reports, reports_change (ratio - 1, null when nothing before), violations, previous_violations, violations_change, weekly_reports, weekly_violations', content: { application/json: { schema: { type: object } } } }
        '400': { $ref: '#/components/responses/Error' }
        '401': { $ref: '#/components/responses/Error' }
        '403': { $ref: '#/components/responses/Error' }
"""#)
}
