// SQL templates: placeholders filled with the dialect's quoting, leading comments dropped, mismatches refused.
import Testing
@testable import Pg2srSupport

@Suite struct SQLTemplateTests {
    func template(_ name: String, _ file: String) -> SQLTemplate { SQLTemplate(name: name, file: file) }

    @Test func namesAndValuesAreQuotedForPostgres() {
        let sql = template("postgres/x", "-- what it is for\n-- {{table}} in a comment is not a placeholder\nSELECT {{column}} FROM {{table}} WHERE v = {{value}} LIMIT {{n}}\n")
            .render(["table": .qualified(["Billing", "Invoice \"Items\""]), "column": .identifier("a\"b"),
                     "value": .literal("it's"), "n": .integer(5)])
        #expect(sql == #"SELECT "a""b" FROM "Billing"."Invoice ""Items""" WHERE v = 'it''s' LIMIT 5"#)
    }

    @Test func namesAndValuesAreQuotedForStarRocks() {
        let sql = template("starrocks/x", "SELECT {{columns}} FROM {{table}} WHERE l = {{label}}; -- {{job}}")
            .render(["table": .qualified(["db", "o`x"]), "columns": .identifiers([["a"], ["b`c"]]),
                     "label": .literal("back\\slash 'quote'\nline"), "job": .word("pg2sr_run_t_1f")])
        #expect(sql == #"SELECT `a`, `b``c` FROM `db`.`o``x` WHERE l = 'back\\slash \'quote\'\nline'; -- pg2sr_run_t_1f"#)
    }

    @Test func sqlIsInsertedAsItIsAndEmptyFragmentsVanish() {
        let sql = template("postgres/x", "COPY (SELECT {{columns}} FROM t{{where}}) TO STDOUT")
            .render(["columns": .sql("a::text, b"), "where": .sql("")])
        #expect(sql == "COPY (SELECT a::text, b FROM t) TO STDOUT")
    }

    @Test func everyEmbeddedStatementLoadsWithoutItsHeaderComment() {
        for name in ["postgres/list_tables", "postgres/copy_chunk", "starrocks/run_record", "starrocks/create_routine_load"] {
            let text = SQLTemplate(name).text
            #expect(!text.hasPrefix("--") && !text.isEmpty, "\(name)")
        }
    }

    @Test func aPlaceholderWithoutValueStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            _ = SQLTemplate(name: "postgres/x", file: "SELECT {{a}}, {{b}}").render(["a": .integer(1)])
        }
    }

    @Test func aValueWithoutPlaceholderStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            _ = SQLTemplate(name: "postgres/x", file: "SELECT {{a}}").render(["a": .integer(1), "typo": .integer(2)])
        }
    }

    @Test func aWordThatIsNotPlainStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            _ = SQLTemplate(name: "starrocks/x", file: "STOP ROUTINE LOAD FOR d.{{job}}").render(["job": .word("x; DROP DATABASE d")])
        }
    }
}
