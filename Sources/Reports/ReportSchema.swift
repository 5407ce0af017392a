/// Version of the JSON report schema (`summary.json`, conformance JSON). Bumped only when a
/// field changes meaning or disappears; new fields do not bump it.
public enum ReportSchema {
    public static let version = 1
}
