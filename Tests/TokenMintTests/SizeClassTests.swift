import Testing
import TokenMint

@Test func sizeClassNamesAreStable() {
    #expect(SizeClass.allCases.map(\.rawValue) == ["small", "typical", "large"])
}
