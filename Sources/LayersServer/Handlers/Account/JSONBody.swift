import Foundation
import LayersCore
import LayersCredits
import LayersHTTP

/// Reads small JSON request bodies of the management endpoints, with errors naming the field.
struct JSONBody {
    let object: JSONObject

    init(_ request: HTTPRequest, allowEmpty: Bool = true) throws {
        if request.body.isEmpty && allowEmpty { object = JSONObject(); return }
        let value: JSONValue
        do { value = try JSONValue.parse(request.body) } catch { throw LayersError.invalidJSON(detail: error.description) }
        guard let object = value.objectValue else {
            throw LayersError.invalidJSON(detail: "the body must be a JSON object")
        }
        self.object = object
    }

    func string(_ field: String, required: Bool = false, maxLength: Int = 200) throws -> String? {
        guard let v = object[field], !v.isNull else {
            if required { throw LayersError.invalidRequest(message: "\(field) is required", param: field) }
            return nil
        }
        guard let s = v.stringValue else {
            throw LayersError.invalidRequest(message: "\(field) must be a string", param: field)
        }
        guard s.count <= maxLength else {
            throw LayersError.invalidRequest(message: "\(field) must be at most \(maxLength) characters", param: field)
        }
        return s
    }

    func int(_ field: String, range: ClosedRange<Int>) throws -> Int? {
        guard let v = object[field], !v.isNull else { return nil }
        guard let i = v.intValue, range.contains(i) else {
            throw LayersError.invalidRequest(
                message: "\(field) must be an integer in \(range.lowerBound)...\(range.upperBound)", param: field)
        }
        return i
    }

    /// A credit amount as a JSON number or decimal string (`12.5`, `"12.5"`), exact to the micro-credit.
    func credits(_ field: String, required: Bool = false) throws -> MicroCredits? {
        guard let v = object[field], !v.isNull else {
            if required { throw LayersError.invalidRequest(message: "\(field) is required", param: field) }
            return nil
        }
        let text: String?
        switch v {
        case .number(let n): text = n.text
        case .string(let s): text = s
        default: text = nil
        }
        guard let text, let amount = MicroCredits(decimalString: text), amount >= .zero else {
            throw LayersError.invalidRequest(
                message: "\(field) must be a non-negative number of credits with at most 6 decimals", param: field)
        }
        return amount
    }

    /// A percentage with at most two decimals, returned in basis points; JSON null means "clear".
    func percentBps(_ field: String) throws -> Int?? {
        guard let v = object[field] else { return .none }
        if v.isNull { return .some(nil) }
        let text: String?
        switch v {
        case .number(let n): text = n.text
        case .string(let s): text = s
        default: text = nil
        }
        guard let text, let bps = DecimalText.parse(text, scale: 2), bps <= 20_000 else {
            throw LayersError.invalidRequest(message: "\(field) must be a percentage between 0 and 200", param: field)
        }
        return .some(Int(bps))
    }
}
