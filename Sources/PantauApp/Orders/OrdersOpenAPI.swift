import PantauCore

extension OpenAPIDocument {
    /// Takedown orders: the platforms' side (their orders, acknowledgement, answers), staff's (orders, manual sending, re-checks), compliance and sanctions.
    static let orders = Fragment(paths: #"""
  /api/v1/platform/orders:
    get:
      summary: The calling platform's takedown orders (token of role `platform`; other platforms' orders are never listed).
      parameters:
        - { name: status, in: query, required: false, schema: { type: string, enum: \#(values(OrderStatus.self)) } }
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
      parameters: [{ $ref: '#/components/parameters/ID' }]
      responses:
        '200': { description: The order, content: { application/json: { schema: { $ref: '#/components/schemas/Order' } } } }
        '404': { $ref: '#/components/responses/Error' }
  /api/v1/platform/orders/{id}/acknowledge:
    post:
      summary: Confirm receipt of an order (idempotent).
      parameters: [{ $ref: '#/components/parameters/ID' }]
      responses:
        '200': { description: The order, content: { application/json: { schema: { $ref: '#/components/schemas/Order' } } } }
        '404': { $ref: '#/components/responses/Error' }
  /api/v1/platform/orders/{id}/items/{item}:
    post:
      summary: Answer one item. `complied` needs `removed_at`; `rejected` and `objected` (sanggah, reviewed again by a different analyst) need a reason. The same answer again changes nothing (header Idempotent-Replayed); a different one is 409.
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
                answer: { type: string, enum: \#(values(OrderItemAnswer.self)) }
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
      parameters:
        - { name: platform, in: query, required: false, description: 'A platform id (another value matches nothing).', schema: { type: string } }
        - { name: status, in: query, required: false, schema: { type: string, enum: \#(valuesOrEmpty(OrderStatus.self)) } }
      responses:
        '200': { description: 'orders: newest first, at most 200' }
  /api/v1/orders/{id}:
    get:
      summary: One order (staff).
      parameters: [{ $ref: '#/components/parameters/ID' }]
      responses:
        '200': { description: The order, content: { application/json: { schema: { $ref: '#/components/schemas/Order' } } } }
        '404': { $ref: '#/components/responses/Error' }
  /api/v1/orders/{id}/sent-manually:
    post:
      summary: Record that an order waiting for a hand-sent e-mail (no webhook, no SMTP relay) was sent; its deadline starts now.
      parameters: [{ $ref: '#/components/parameters/ID' }]
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
      parameters: [{ $ref: '#/components/parameters/ID' }]
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
      parameters:
        - { name: period, in: query, required: false, description: 'Empty: the quarter, or custom when a day is given.', schema: { type: string, enum: \#(valuesOrEmpty(CompliancePeriod.Kind.self)), default: quarter } }
        - { name: from, in: query, required: false, description: 'First day (YYYY-MM-DD, WIB) of a custom period (91 days before to when left out); not after to, at most 3 years before it.', schema: \#(orEmpty("{ type: string, format: date }")) }
        - { name: to, in: query, required: false, description: 'Last day (YYYY-MM-DD, WIB), included (today when left out).', schema: \#(orEmpty("{ type: string, format: date }")) }
      responses:
        '200':
          description: 'from, to, platforms: platform, items, items_by_status, orders_by_status, on_time_rate (0–1), median_hours_to_comply, rejected_share, objected_share, overdue_now, found_online_again (items staff reopened with evidence), reappeared_on_recheck (items monitoring''s re-check saw online again after removal)'
        '400': { $ref: '#/components/responses/Error' }
  /api/v1/sanctions:
    post:
      summary: Propose the platform's next sanction (ST1 → ST2 with a fine → ST3 → network block recommended), citing its overdue or refused items.
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
      parameters: [{ $ref: '#/components/parameters/ID' }]
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
"""#, schemas: #"""
    Order:
      type: object
      properties:
        id: { type: string, format: uuid }
        number: { type: string, example: SPT-20261201-0001 }
        platform: { type: string }
        urgent: { type: boolean }
        status: { type: string, enum: \#(values(OrderStatus.self)) }
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
              status: { type: string, enum: \#(values(OrderItemStatus.self)) }
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
        level: { type: string, enum: \#(values(SanctionLevel.self)) }
        state: { type: string, enum: \#(values(SanctionState.self)) }
        reason: { type: string }
        items: { type: array, items: { type: string, format: uuid } }
        fine_amount: { type: integer, description: 'Rupiah, ST2 only.' }
        proposed_by: { type: string }
        proposed_at: { type: string, format: date-time }
        reviewed_by: { type: string }
        reviewed_at: { type: string, format: date-time }
"""#)
}
