import KeySources
import Testing

@Test func keySourceErrorNamesItsSource() {
    #expect(KeySourceError(source: "https://idp.test/jwks", message: "HTTP 503").description == "https://idp.test/jwks: HTTP 503")
}
