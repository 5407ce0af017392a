import Foundation

/// A self-contained flame graph (SVG) from folded stacks (Brendan Gregg's format): width is
/// the share of samples, depth the call depth, root at the bottom; hovering a frame shows its
/// share.
public enum FlameGraph {
    /// A frame in the merged call tree.
    final class Node {
        var name: String
        var count = 0
        var children: [String: Node] = [:]
        init(_ name: String) { self.name = name }
    }

    /// The SVG of `folded` (`"root;...;leaf" -> samples`, as `PerfRecorder.fold` makes), `width`
    /// pixels wide, titled `title`.
    public static func svg(_ folded: [String: Int], title: String, width: Double = 1200) -> String {
        let root = Node("all")
        var depth = 0
        for (stack, n) in folded {
            root.count += n
            var node = root
            let frames = stack.split(separator: ";").map(String.init)
            depth = max(depth, frames.count)
            for f in frames {
                let child = node.children[f] ?? Node(f)
                node.children[f] = child
                child.count += n
                node = child
            }
        }
        let rowHeight = 16.0
        let height = Double(depth + 2) * rowHeight + 30
        var body = ""
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
                of: ">", with: "&gt;")
        }
        func draw(_ node: Node, x: Double, level: Int) {
            let w = width * Double(node.count) / Double(max(root.count, 1))
            guard w >= 0.3 else { return }
            let y = height - Double(level + 1) * rowHeight - 10
            var hash: UInt32 = 2_166_136_261
            for b in node.name.utf8 { hash = (hash ^ UInt32(b)) &* 16_777_619 }
            let color = "rgb(\(205 + Int(hash % 50)),\(80 + Int((hash >> 8) % 120)),\(40 + Int((hash >> 16) % 40)))"
            let pct = String(format: "%.2f", 100 * Double(node.count) / Double(max(root.count, 1)))
            let label = w > 40 ? String(node.name.prefix(Int(w / 7))) : ""
            body += "<g><title>\(esc(node.name)) (\(node.count) samples, \(pct)%)</title>"
            body += String(
                format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%@\" rx=\"2\"/>", x, y, w, rowHeight - 1, color)
            if !label.isEmpty { body += String(format: "<text x=\"%.1f\" y=\"%.1f\">%@</text>", x + 3, y + 11.5, esc(label)) }
            body += "</g>\n"
            var cx = x
            for child in node.children.values.sorted(by: { $0.name < $1.name }) {
                draw(child, x: cx, level: level + 1)
                cx += width * Double(child.count) / Double(max(root.count, 1))
            }
        }
        draw(root, x: 0, level: 0)
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="monospace" font-size="11">
            <text x="4" y="16" font-size="14">\(esc(title)): \(root.count) samples (hover a frame for its share)</text>
            \(body)</svg>

            """
    }
}
