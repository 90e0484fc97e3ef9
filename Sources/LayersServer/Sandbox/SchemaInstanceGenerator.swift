import LayersCore

/// Builds a JSON value that satisfies a JSON Schema: the sandbox's answer to `response_format: json_schema`
/// and the arguments of its simulated tool calls.
///
/// Supports the subset that OpenAI structured outputs and tool parameters use: `type` (also as a list),
/// `properties`/`required`/`additionalProperties`, `items`/`prefixItems`/`minItems`/`maxItems`, `enum`,
/// `const`, `anyOf`/`oneOf` (first branch), `allOf` (merged), `$ref` into `#/$defs` or `#/definitions`,
/// string `minLength`/`maxLength`/`format`, and numeric `minimum`/`maximum`/`exclusiveMinimum`/
/// `exclusiveMaximum`/`multipleOf`. All properties are generated (structured outputs make every property
/// required). Recursion is cut at a fixed depth by choosing empty arrays or `null` where allowed.
public struct SchemaInstanceGenerator {
    private let root: JSONValue
    private var random: DeterministicRandom
    private let maxDepth = 12

    public init(schema: JSONValue, random: DeterministicRandom) {
        self.root = schema
        self.random = random
    }

    /// A value valid against the schema.
    public mutating func generate(name: String = "value") -> JSONValue {
        instance(for: root, name: name, depth: 0)
    }

    private func resolve(_ schema: JSONValue) -> JSONValue {
        guard let ref = schema["$ref"]?.stringValue, ref.hasPrefix("#") else { return schema }
        var node = root
        for part in ref.dropFirst().split(separator: "/") {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = node[key] else { return .object(JSONObject()) }
            node = next
        }
        return node
    }

    private mutating func instance(for raw: JSONValue, name: String, depth: Int) -> JSONValue {
        var schema = resolve(raw)
        if case .bool = schema { return .string(name) }  // `true` schema: anything goes
        if let constant = schema["const"] { return constant }
        if let options = schema["enum"]?.arrayValue, !options.isEmpty { return options[0] }
        if let branches = (schema["anyOf"] ?? schema["oneOf"])?.arrayValue, !branches.isEmpty {
            let branch = depth >= maxDepth
                ? branches.first { resolve($0)["type"]?.stringValue == "null" } ?? branches[0] : branches[0]
            return instance(for: branch, name: name, depth: depth + 1)
        }
        if let parts = schema["allOf"]?.arrayValue, !parts.isEmpty {
            schema = merged(parts.map(resolve))
        }
        switch type(of: schema, depth: depth) {
        case "object": return object(schema, depth: depth)
        case "array": return array(schema, name: name, depth: depth)
        case "string": return string(schema, name: name)
        case "integer": return integer(schema)
        case "number": return number(schema)
        case "boolean": return .bool(true)
        case "null": return .null
        default: return .string(name)
        }
    }

    private func type(of schema: JSONValue, depth: Int) -> String {
        if let t = schema["type"]?.stringValue { return t }
        if let list = schema["type"]?.arrayValue?.compactMap(\.stringValue), !list.isEmpty {
            if depth >= maxDepth, list.contains("null") { return "null" }
            return list.first { $0 != "null" } ?? "null"
        }
        if schema["properties"] != nil { return "object" }
        if schema["items"] != nil { return "array" }
        return "string"
    }

    private func merged(_ parts: [JSONValue]) -> JSONValue {
        var out = JSONObject()
        var properties = JSONObject()
        var required: [JSONValue] = []
        for part in parts {
            guard let obj = part.objectValue else { continue }
            for (k, v) in obj {
                switch k {
                case "properties": for (pk, pv) in v.objectValue ?? JSONObject() { properties[pk] = pv }
                case "required": required += v.arrayValue ?? []
                default: out[k] = v
                }
            }
        }
        if !properties.isEmpty { out["properties"] = .object(properties); out["type"] = "object" }
        if !required.isEmpty { out["required"] = .array(required) }
        return .object(out)
    }

    private mutating func object(_ schema: JSONValue, depth: Int) -> JSONValue {
        var out = JSONObject()
        let properties = schema["properties"]?.objectValue ?? JSONObject()
        let required = Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        for (key, sub) in properties {
            // Past the depth limit, only required members are generated so recursive schemas terminate.
            if depth >= maxDepth && !required.contains(key) { continue }
            out[key] = instance(for: sub, name: key, depth: depth + 1)
        }
        let minProps = schema["minProperties"]?.intValue ?? 0
        var extra = 0
        while out.count < minProps, schema["additionalProperties"]?.boolValue != false {
            extra += 1
            out["extra_\(extra)"] = .string("value \(extra)")
        }
        return .object(out)
    }

    private mutating func array(_ schema: JSONValue, name: String, depth: Int) -> JSONValue {
        let minItems = schema["minItems"]?.intValue ?? 0
        let maxItems = schema["maxItems"]?.intValue ?? Int.max
        var items: [JSONValue] = []
        if let prefix = schema["prefixItems"]?.arrayValue {
            for (i, p) in prefix.enumerated() where i < maxItems {
                items.append(instance(for: p, name: "\(name)_\(i)", depth: depth + 1))
            }
        }
        let wanted = depth >= maxDepth ? minItems : min(maxItems, max(minItems, items.count == 0 ? 2 : items.count))
        let itemSchema = schema["items"] ?? .object(JSONObject())
        if case .bool(false) = itemSchema { return .array(items) }
        var i = items.count
        while items.count < wanted {
            items.append(instance(for: itemSchema, name: "\(singular(name))_\(i + 1)", depth: depth + 1))
            i += 1
        }
        if schema["uniqueItems"]?.boolValue == true {
            var seen = Set<JSONValue>()
            items = items.filter { seen.insert($0).inserted }
        }
        return .array(items)
    }

    private func singular(_ name: String) -> String {
        name.hasSuffix("s") && name.count > 1 ? String(name.dropLast()) : name
    }

    private mutating func string(_ schema: JSONValue, name: String) -> JSONValue {
        var text: String
        switch schema["format"]?.stringValue {
        case "date-time": text = "2025-01-01T00:00:00Z"
        case "date": text = "2025-01-01"
        case "time": text = "12:00:00Z"
        case "email": text = "user@example.com"
        case "uri", "url": text = "https://example.com/\(name)"
        case "uuid": text = "00000000-0000-4000-8000-000000000000"
        case "hostname": text = "example.com"
        case "ipv4": text = "192.0.2.1"
        case "ipv6": text = "2001:db8::1"
        case "duration": text = "PT1H"
        default: text = "sample \(name.replacingOccurrences(of: "_", with: " "))"
        }
        let minLength = schema["minLength"]?.intValue ?? 0
        let maxLength = schema["maxLength"]?.intValue ?? Int.max
        while text.count < minLength { text += "x" }
        if text.count > maxLength { text = String(text.prefix(maxLength)) }
        return .string(text)
    }

    private func bounds(_ schema: JSONValue) -> (low: Double?, high: Double?, lowExclusive: Bool, highExclusive: Bool) {
        var low = schema["minimum"]?.doubleValue
        var high = schema["maximum"]?.doubleValue
        var lowEx = false, highEx = false
        if let v = schema["exclusiveMinimum"]?.doubleValue { low = v; lowEx = true }
        if let v = schema["exclusiveMaximum"]?.doubleValue { high = v; highEx = true }
        return (low, high, lowEx, highEx)
    }

    private mutating func integer(_ schema: JSONValue) -> JSONValue {
        let b = bounds(schema)
        var low = b.low.map { b.lowExclusive ? Int64($0.rounded(.down)) + 1 : Int64($0.rounded(.up)) } ?? 1
        let high = b.high.map { b.highExclusive ? Int64($0.rounded(.up)) - 1 : Int64($0.rounded(.down)) } ?? max(low, 42) + 1_000
        if b.low == nil { low = min(1, high) }
        var value = min(max(low, 42), high)
        if let step = schema["multipleOf"]?.int64Value, step > 0 {
            let rem = value % step
            if rem != 0 { value += step - rem }
            if value > high { value -= step }
        }
        return .number(JSONNumber(value))
    }

    private mutating func number(_ schema: JSONValue) -> JSONValue {
        let b = bounds(schema)
        if schema["multipleOf"] != nil { return integer(schema) }
        var value = 4.2
        if let low = b.low, value < low || (b.lowExclusive && value <= low) { value = low + 1 }
        if let high = b.high, value > high || (b.highExclusive && value >= high) {
            value = b.low.map { ($0 + high) / 2 } ?? high - 1
        }
        return .number(JSONNumber(value))
    }
}
