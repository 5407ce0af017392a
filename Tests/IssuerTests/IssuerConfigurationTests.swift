import Issuer
import Testing

@Test func issuerDefaultsToAnEphemeralLoopbackPort() {
    let c = IssuerConfiguration()
    #expect(c.host == "127.0.0.1" && c.port == 0)
}
