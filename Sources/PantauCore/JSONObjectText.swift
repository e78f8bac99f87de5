/// Builds one JSON object as text, keys in the order they are added (write
/// them sorted to match `JSONEncoder` with `.sortedKeys`). Used for answers on
/// the intake hot path, where `JSONEncoder` was a measurable share of CPU.
public struct JSONObjectText: Sendable {
    public private(set) var text = "{"
    private var empty = true

    public init() {}

    private mutating func key(_ key: String) {
        if !empty { text += "," }
        empty = false
        appendJSONString(key, to: &text)
        text += ":"
    }

    public mutating func add(_ key: String, _ value: String) {
        self.key(key)
        appendJSONString(value, to: &text)
    }

    public mutating func add(_ key: String, _ value: Int) {
        self.key(key)
        text += String(value)
    }

    public mutating func add(_ key: String, _ value: Bool) {
        self.key(key)
        text += value ? "true" : "false"
    }

    public mutating func add(_ key: String, object build: (inout JSONObjectText) -> Void) {
        self.key(key)
        var inner = JSONObjectText()
        build(&inner)
        text += inner.finished
    }

    public mutating func add(_ key: String, list: [String]) {
        self.key(key)
        text += "["
        for (i, item) in list.enumerated() {
            if i > 0 { text += "," }
            appendJSONString(item, to: &text)
        }
        text += "]"
    }

    public mutating func add(_ key: String, objects: [JSONObjectText]) {
        self.key(key)
        text += "["
        for (i, object) in objects.enumerated() {
            if i > 0 { text += "," }
            text += object.finished
        }
        text += "]"
    }

    /// A number: whole values without a fraction.
    public mutating func add(_ key: String, number: Double) {
        self.key(key)
        text += number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }

    public mutating func addNull(_ key: String) {
        self.key(key)
        text += "null"
    }

    public var finished: String { text + "}" }
}
