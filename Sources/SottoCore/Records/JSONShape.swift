import Foundation

/// A pass over JSON text before it is parsed, for what the parser would
/// accept but sotto refuses: nesting deeper than records need (stack use),
/// and a key given twice in one object, which parsers resolve differently
/// (first wins, last wins, error), so a signer and a reader could disagree.
/// Malformed text passes through untouched: the parser reports it.
enum JSONShape {
    enum Verdict: Equatable {
        case ok
        case tooDeep
        case duplicateKey(String)
    }

    private struct Container {
        let isObject: Bool
        var expectsKey: Bool
        var keys = Set<[UInt8]>()
    }

    static func check(_ bytes: [UInt8], maxDepth: Int) -> Verdict {
        var stack = [Container]()
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let end = stringEnd(bytes, from: index)
                if let top = stack.last, top.isObject, top.expectsKey {
                    let key = normalized(Array(bytes[index..<min(end, bytes.count)]))
                    if !stack[stack.count - 1].keys.insert(key).inserted {
                        return .duplicateKey(String(decoding: key.dropFirst().dropLast().prefix(64), as: UTF8.self))
                    }
                    stack[stack.count - 1].expectsKey = false
                }
                index = end
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard stack.count < maxDepth else { return .tooDeep }
                stack.append(Container(isObject: byte == UInt8(ascii: "{"), expectsKey: byte == UInt8(ascii: "{")))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !stack.isEmpty { stack.removeLast() }
            case UInt8(ascii: ","):
                if let top = stack.last, top.isObject { stack[stack.count - 1].expectsKey = true }
            default:
                break
            }
            index += 1
        }
        return .ok
    }

    /// The index just past the string starting at `start` (its quotes included).
    private static func stringEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        return bytes.count
    }

    /// A quoted key as the parser will see it: escapes such as \u0062 decoded.
    private static func normalized(_ quoted: [UInt8]) -> [UInt8] {
        guard quoted.contains(UInt8(ascii: "\\")),
              let text = try? JSONSerialization.jsonObject(with: Data(quoted), options: [.fragmentsAllowed]) as? String
        else { return quoted }
        return Array(("\"" + text + "\"").utf8)
    }
}
