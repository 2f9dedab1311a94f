// Table names in PostgreSQL identifier syntax: parsing, folding, quoting.
import Testing
import Pg2srSupport
@testable import Pg2srModel

@Suite struct TableNameTests {
    @Test(arguments: [
        ("public.orders", "public", "orders"),
        ("orders", "public", "orders"),
        ("Public.Orders", "public", "orders"),
        ("\"Billing\".\"Invoice Items\"", "Billing", "Invoice Items"),
        ("\"a.b\".\"c\"\"d\"", "a.b", "c\"d"),
        ("sales.\"Ünïcode 表\"", "sales", "Ünïcode 表"),
    ])
    func parsesPostgresIdentifierSyntax(text: String, schema: String, name: String) throws {
        let parsed = try TableName(parsing: text)
        #expect(parsed.schema == schema)
        #expect(parsed.name == name)
    }

    @Test(arguments: ["a.b.c", "\"unterminated", "a..b", ""])
    func rejectsMalformedNames(text: String) {
        #expect(throws: Pg2srError.self) { try TableName(parsing: text) }
    }

    @Test func quotesForSQLAndDisplay() {
        let name = TableName(schema: "Billing", name: "Invoice \"Items\"")
        #expect(name.sqlIdentifier == "\"Billing\".\"Invoice \"\"Items\"\"\"")
        #expect(TableName(schema: "public", name: "orders").description == "public.orders")
        #expect(name.qualifiedPlain == "Billing.Invoice \"Items\"")
    }
}
