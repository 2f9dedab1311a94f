// `--target` URLs: parsed, validated, the password kept out of the description.
import Testing
import Pg2srSupport
@testable import Pg2srTarget

@Suite struct StarRocksTargetTests {
    @Test func parsesURLAndKeepsThePasswordOutOfItsDescription() throws {
        let target = try StarRocksTarget(url: "starrocks://loader:s%40cret@fe.example:9031/sales?http_port=8031&be=be1:8041", environment: [:])
        #expect(target.user == "loader")
        #expect(target.password == "s@cret")
        #expect(target.host == "fe.example")
        #expect(target.mysqlPort == 9031)
        #expect(target.httpPort == 8031)
        #expect(target.database == "sales")
        #expect(target.backend == "be1:8041")
        #expect(!target.description.contains("s@cret"))
        #expect(!target.description.contains("s%40cret"))
    }

    @Test func passwordFromEnvironment() throws {
        let target = try StarRocksTarget(url: "starrocks://root@h/db", environment: ["STARROCKS_PASSWORD": "envpw"])
        #expect(target.password == "envpw")
        #expect(target.mysqlPort == 9030)
        #expect(target.httpPort == 8030)
    }

    @Test(arguments: ["mysql://root@h/db", "starrocks://root@h", "starrocks://root@h/db?http_port=abc", "starrocks://root@h/db?bogus=1", "not a url"])
    func rejectsMalformedURLs(url: String) {
        #expect(throws: Pg2srError.self) { try StarRocksTarget(url: url, environment: [:]) }
    }
}
