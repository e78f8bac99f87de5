import PantauCore

extension OpenAPIDocument {
    /// The case workflow: queue, cases, bulk actions, decisions and their review, comments, appeals.
    static let cases = Fragment(paths: #"""
  /api/v1/cases:
    get:
      summary: The triage queue (keyset-paginated), with counts per status, platform and category.
      parameters:
        - { name: status, in: query, schema: { type: string, pattern: '\#(QueueFilter.statusPattern)' }, description: 'Comma-separated statuses, "all", or empty for the active ones.' }
        - { name: category, in: query, schema: { type: string, pattern: '^([a-z0-9_]{1,40})?$' }, description: 'A category slug (one that is no category matches nothing).' }
        - { name: platform, in: query, schema: { type: string, enum: \#(valuesOrEmpty(Platform.self)) } }
        - { name: channel, in: query, schema: { type: string, enum: \#(valuesOrEmpty(ReportChannel.self)) } }
        - { name: reappeared, in: query, schema: { type: string, enum: ["", "0", "1"] }, description: '1: cases monitoring saw come back after the decision (a post, a page or a re-check); decided cases included unless a status is given.' }
        - { name: priority, in: query, schema: { type: string, enum: \#(valuesOrEmpty(QueueFilter.PriorityBand.self)) } }
        - { name: assignee, in: query, schema: { type: string, pattern: '^(any|mine|unassigned|\#(uuid))?$' }, description: 'mine, unassigned, or a user id.' }
        - { name: deadline, in: query, schema: { type: string, enum: \#(valuesOrEmpty(QueueFilter.DeadlineState.self)) } }
        - { name: from, in: query, schema: \#(orEmpty("{ type: string, format: date }")), description: 'First report on or after this day (WIB).' }
        - { name: to, in: query, schema: \#(orEmpty("{ type: string, format: date }")), description: 'First report on or before this day (a day before from: no cases).' }
        - { name: q, in: query, schema: { type: string, maxLength: 200 }, description: Text in the subject key or a report's description. }
        - { name: sort, in: query, schema: { type: string, enum: \#(valuesOrEmpty(QueueFilter.Sort.self)) } }
        - { name: after, in: query, schema: { type: string, pattern: '^(\#(QueueCursor.pattern))?$' }, description: The next_cursor of the previous page. }
      responses:
        '200': { description: 'cases[], next_cursor, counts{status, platform, category, mine}' }
        '400': { $ref: '#/components/responses/Error' }
        '401': { $ref: '#/components/responses/Error' }
        '403': { $ref: '#/components/responses/Error' }
  /api/v1/cases/bulk:
    post:
      summary: 'One action on many cases, all or none: assign, unassign, set_category, duplicate, escalate, dismiss (not violating; needs decide permission).'
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [action, case_ids]
              properties:
                action: { type: string, enum: \#(values(BulkCaseAction.self)) }
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
      summary: One case with its reports (no contact data), decisions, comments, appeals, the order items and block proposals it set in motion (order_items, block_proposals), related cases and hash-chained events.
      parameters: [{ $ref: '#/components/parameters/ID' }]
      responses:
        '200': { description: The case. }
        '404': { $ref: '#/components/responses/Error' }
  /api/v1/cases/{id}/claim:
    post:
      summary: Assigns the case to the caller.
      parameters: [{ $ref: '#/components/parameters/ID' }]
      responses:
        '200': { description: The case. }
        '409': { $ref: '#/components/responses/Error' }
  /api/v1/cases/{id}/decisions:
    post:
      summary: Decides the case. Four eyes (network block, high-impact case) leaves it pending_approval.
      parameters: [{ $ref: '#/components/parameters/ID' }]
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
      parameters: [{ $ref: '#/components/parameters/ID' }]
      requestBody:
        content:
          application/json:
            schema: { type: object, required: [body], properties: { body: { type: string }, pinned: { type: boolean } } }
      responses:
        '201': { description: The case. }
  /api/v1/decisions/{id}/review:
    post:
      summary: A supervisor who is not the decider approves or rejects (reason required) a pending decision.
      parameters: [{ $ref: '#/components/parameters/ID' }]
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
      security: []
      summary: An appeal (banding) against a decision; reopens the case for a different analyst with a deadline.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [reference, reason]
              properties:
                reference: { type: string, description: 'Ticket number, case id, or the content URL.' }
                reason: { type: string, minLength: 20 }
                contact: { type: object, properties: { name: { type: string }, email: { type: string, format: email } } }
      responses:
        '201': { description: 'reference (BDG-…), case_id, due_at' }
        '404': { $ref: '#/components/responses/Error' }
        '409': { $ref: '#/components/responses/Error' }
"""#, schemas: #"""
    Decision:
      type: object
      required: [verdict, statement]
      properties:
        verdict: { type: string, enum: \#(values(Verdict.self)) }
        category: { type: string, description: Verified category; required for violating. }
        legal_bases: { type: array, items: { type: string }, description: 'Codes from the legal-basis table (e.g. uu-ite-27-1); at least one for violating.' }
        statement: { type: string, minLength: 50, description: 'Statement of reasons: facts and reasoning (at least 10 characters for need_more_information).' }
        public_reason: { type: string, description: Plain-language reason shown on reporters' ticket pages. }
        automated_detection: { type: boolean }
        automated_decision: { type: boolean }
        action: { type: string, enum: \#(values(ProposedAction.self)), description: Required for violating. }
"""#)
}
