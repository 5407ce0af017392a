import Reports
import Testing

@Test func schemaVersionIsOne() {
    #expect(ReportSchema.version == 1)
}
