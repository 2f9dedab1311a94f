// The BE's Stream Load reply: verdicts read from Status, garbage refused.
import Testing
import Pg2srSupport
@testable import Pg2srTarget

@Suite struct StreamLoadResultTests {
    @Test func parsesTheBEReply() throws {
        let json = """
        {
            "TxnId": 1003,
            "Label": "pg2sr-r-t-1-0",
            "Status": "Success",
            "Message": "OK",
            "NumberTotalRows": 1000000,
            "NumberLoadedRows": 1000000,
            "NumberFilteredRows": 0,
            "NumberUnselectedRows": 0,
            "LoadBytes": 40888898,
            "LoadTimeMs": 2144
        }
        """
        let result = try StreamLoadResult(json: Array(json.utf8))
        #expect(result.status == .success)
        #expect(result.isCommitted)
        #expect(result.loadedRows == 1_000_000)
        #expect(result.txnID == 1003)
    }

    @Test func labelAlreadyExists() throws {
        let json = #"{"TxnId": -1, "Label": "x", "Status": "Label Already Exists", "ExistingJobStatus": "FINISHED", "Message": "Label [x] has already been used."}"#
        let result = try StreamLoadResult(json: Array(json.utf8))
        #expect(result.status == .labelAlreadyExists(existingJobStatus: "FINISHED"))
        #expect(!result.isCommitted)
    }

    @Test func feFailureAndGarbage() throws {
        let fe = #"{"Status":"FAILED","Message":"class com.starrocks.common.DdlException: There is no 100-continue header"}"#
        #expect(try StreamLoadResult(json: Array(fe.utf8)).status == .other("FAILED"))
        #expect(throws: Pg2srError.self) { try StreamLoadResult(json: Array("<html>".utf8)) }
    }
}
