import PantauCore

extension OpenAPIDocument {
    /// Who is calling.
    static let accounts = Fragment(paths: #"""
  /api/v1/me:
    get:
      summary: Who the bearer token acts for
      operationId: getMe
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
                  role: { type: string, enum: \#(values(Role.self)) }
                  platform: { type: string, description: Only for role platform. }
        '401': { $ref: '#/components/responses/Error' }
"""#)
}
