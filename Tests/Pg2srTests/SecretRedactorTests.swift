// The one redaction: every registered secret masked, longest first; secret-looking keys recognized.
import Testing
@testable import Pg2srSupport

@Suite struct SecretRedactorTests {
    @Test func masksEverySecretWhereverItOccursLongestFirst() {
        let redactor = SecretRedactor()
        redactor.add("pw")
        redactor.add("pw-long")
        redactor.add("")
        redactor.add("pw")
        #expect(redactor.redact("a=pw-long b=pw c=pwpw") == "a=***** b=***** c=**********")
        #expect(redactor.redact("nothing here") == "nothing here")
    }

    @Test func theLogRedactsWithItsRedactor() {
        let log = Logger()
        log.addSecret("s3cret")
        #expect(log.redact("password=s3cret") == "password=*****")
        #expect(log.redactor.redact("s3cret") == "*****")
    }

    @Test(arguments: ["sasl.password", "ssl.key.password", "sasl.oauthbearer.client.secret", "sasl.jaas.config", "ssl.key.pem",
                      "ssl.keystore.location", "sasl.oauthbearer.config", "SASL.PASSWORD"])
    func secretKeys(key: String) { #expect(SecretRedactor.isSecretKey(key)) }

    @Test(arguments: ["security.protocol", "sasl.username", "ssl.ca.location", "group.id"])
    func plainKeys(key: String) { #expect(!SecretRedactor.isSecretKey(key)) }
}
