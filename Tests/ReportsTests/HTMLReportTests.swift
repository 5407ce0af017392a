import Foundation
import Testing

@testable import Reports

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite struct HTMLReportTests {
    /// An attribute by name. FoundationXML's `attribute(forName:)` finds nothing on elements
    /// in a default namespace (the SVG elements here), so look through `attributes`.
    func attribute(_ name: String, of element: XMLElement) -> String? {
        element.attributes?.first { $0.name == name }?.stringValue
    }

    @Test func pageIsWellFormedXMLWithThreeCharts() throws {
        var report = Samples.report()
        report.summary.runName = "run <&> \"quoted\" \u{1}"
        let html = HTMLReport.render(report)
        let document = try XMLDocument(data: Data(html.utf8), options: [])
        let root = try #require(document.rootElement())
        #expect(root.localName == "html")
        #expect(root.uri == "http://www.w3.org/1999/xhtml")

        let charts = try root.nodes(forXPath: "//*[local-name()='svg']").compactMap { $0 as? XMLElement }
        #expect(charts.count == 3)
        #expect(charts.compactMap { attribute("id", of: $0) } == ["chart-percentiles", "chart-scaling", "chart-timeline"])
        for chart in charts {
            #expect(chart.uri == "http://www.w3.org/2000/svg")
            let lines = try chart.nodes(forXPath: ".//*[local-name()='polyline']").count
            let paths = try chart.nodes(forXPath: ".//*[local-name()='path']").count
            #expect(lines > 0 && paths > 0)
        }
        // 5 series, corrected + uncorrected each.
        #expect(try charts[0].nodes(forXPath: ".//*[local-name()='polyline']").count == 10)
        // RS256 and ES256 closed-loop workloads, each with its ideal line.
        let scaling = try charts[1].nodes(forXPath: ".//*[local-name()='polyline']").compactMap {
            ($0 as? XMLElement).flatMap { attribute("data-series", of: $0) }
        }
        #expect(scaling == ["RS256", "RS256 ideal", "ES256", "ES256 ideal"])
        // Three 1 s intervals per series: three points per p99 line.
        let timeline = try #require(try charts[2].nodes(forXPath: ".//*[local-name()='polyline']").first as? XMLElement)
        #expect(attribute("points", of: timeline)?.split(separator: " ").count == 3)

        // Self-contained: nothing loaded from elsewhere.
        #expect(try root.nodes(forXPath: "//*[local-name()='script' or local-name()='link' or local-name()='img']").isEmpty)
        // The only URLs are namespace names (XHTML and SVG), which are never fetched.
        #expect(html.components(separatedBy: "http://").count == html.components(separatedBy: "xmlns=\"http://").count)
        #expect(!html.contains("https://"))
        #expect(try root.nodes(forXPath: "//*[local-name()='title']").first?.stringValue == "jwtbench: run <&> \"quoted\" \u{FFFD}")
    }

    @Test func relatedReportsAreLinkedOnlyWhenTheirPathIsPlainAndRelative() throws {
        var report = Samples.report()
        report.summary.configuration.extra[HTMLReport.relatedReportPrefix + "key-cache comparison"] = "cache-compare/index.html"
        report.summary.configuration.extra[HTMLReport.relatedReportPrefix + "escape"] = "../../etc/passwd"
        report.summary.configuration.extra[HTMLReport.relatedReportPrefix + "script"] = "javascript:alert(1)"
        let document = try XMLDocument(data: Data(HTMLReport.render(report).utf8), options: [])
        let root = try #require(document.rootElement())
        let links = try root.nodes(forXPath: "//*[local-name()='a']").compactMap {
            ($0 as? XMLElement).flatMap { attribute("href", of: $0) }
        }
        #expect(links == ["cache-compare/index.html"])
        #expect(
            !HTMLReport.isPlainRelativePath("/abs") && !HTMLReport.isPlainRelativePath("a b")
                && HTMLReport.isPlainRelativePath("conformance/junit.xml"))
    }

    @Test func chartsWithoutHistogramsStillRender() throws {
        var report = Samples.report()
        report.histograms = [:]
        report.summary.series = report.summary.series.filter { $0.mode == .open }
        let document = try XMLDocument(data: Data(HTMLReport.render(report).utf8), options: [])
        let charts = try document.nodes(forXPath: "//*[local-name()='svg']")
        #expect(charts.count == 3)
        #expect(try document.nodes(forXPath: "//*[local-name()='polyline']").isEmpty)
        #expect(try document.nodes(forXPath: "//*[local-name()='svg']//*[local-name()='path']").count >= 6)
    }

    @Test func percentileAxisIsLabelledInNines() {
        #expect(ChartTick.percentile(decades: 4).map(\.label) == ["0%", "90%", "99%", "99.9%", "99.99%"])
        #expect(ChartTick.linear(upTo: 37).map(\.label) == ["0", "10", "20", "30", "40"])
        #expect(ChartTick.linear(upTo: 0.7).map(\.label) == ["0.0", "0.2", "0.4", "0.6", "0.8"])
        // Thread counts are whole numbers.
        #expect(ChartTick.linear(upTo: 2, minimumStep: 1).map(\.label) == ["0", "1", "2"])
    }
}
