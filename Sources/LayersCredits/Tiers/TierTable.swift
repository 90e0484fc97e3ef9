import Foundation

/// The set of tiers a deployment sells, looked up by name.
///
/// Override file format (JSON; every field but `name` optional; unknown names add a tier):
/// ```json
/// { "tiers": [
///     { "name": "free", "monthly_credits": "100", "requests_per_minute": 20 },
///     { "name": "enterprise", "monthly_credits": "50000", "requests_per_minute": 5000, "burst": 10000 } ] }
/// ```
/// `monthly_credits` is a decimal string (or an integer) of credits.
public struct TierTable: Sendable, Hashable {
    /// Tiers in display order.
    public private(set) var tiers: [Tier]
    /// The tier given to new accounts and to unknown tier names ("free").
    public var defaultTierName: String

    public init(tiers: [Tier], defaultTierName: String = "free") {
        self.tiers = []
        self.defaultTierName = defaultTierName.lowercased()
        for tier in tiers { upsert(tier) }
    }

    /// free, starter, pro, team and test, as the original defined them.
    public static let defaults = TierTable(tiers: [.free, .starter, .pro, .team, .test])

    /// The tier named `name` (case-insensitive), or nil.
    public func tier(named name: String) -> Tier? {
        let key = name.lowercased()
        return tiers.first { $0.name == key }
    }

    /// The tier named `name`, or the default tier when the name is unknown or nil.
    public func resolve(_ name: String?) -> Tier {
        if let name, let tier = tier(named: name) { return tier }
        if let fallback = tier(named: defaultTierName) { return fallback }
        return tiers.first ?? .free
    }

    /// Adds a tier or replaces the one with the same name.
    public mutating func upsert(_ tier: Tier) {
        if let index = tiers.firstIndex(where: { $0.name == tier.name }) {
            tiers[index] = tier
        } else {
            tiers.append(tier)
        }
    }

    /// A copy with the tiers of an override file merged in (see the type's documentation).
    public func applying(overridesJSON data: Data) throws -> TierTable {
        let file: TierOverrideFile
        do {
            file = try JSONDecoder().decode(TierOverrideFile.self, from: data)
        } catch let error as DecodingError {
            let (path, reason) = error.overridePathAndReason
            throw TierOverrideError.locate(path, reason: reason, file: nil)
        } catch {
            throw TierOverrideError(reason: "not a valid tier override file: \(error)")
        }
        if let (path, known) = TierOverrideFile.schema.firstUnknownMember(in: data) {
            throw TierOverrideError.locate(path, reason: "is not a known field (known: \(known.joined(separator: ", ")))",
                                           file: file)
        }
        var table = self
        if let defaultTier = file.defaultTier { table.defaultTierName = defaultTier.lowercased() }
        for (index, entry) in file.tiers.enumerated() {
            let name = entry.name.trimmingCharacters(in: .whitespaces).lowercased()
            guard !name.isEmpty else {
                throw TierOverrideError(index: index, name: nil, field: "name", reason: "must not be empty")
            }
            var tier = table.tier(named: name) ?? Tier(name: name, monthlyCredits: .zero, requestsPerMinute: 60)
            if let credits = entry.monthlyCredits {
                guard let value = MicroCredits(decimalString: credits), value >= .zero else {
                    throw TierOverrideError(index: index, name: name, field: "monthly_credits",
                                            reason: "must be a non-negative decimal number of credits, got \(credits)")
                }
                tier.monthlyCredits = value
            }
            func integer(_ value: Int?, _ field: String, atLeast minimum: Int, _ rule: String) throws -> Int? {
                guard let value else { return nil }
                guard value >= minimum else {
                    throw TierOverrideError(index: index, name: name, field: field, reason: "\(rule), got \(value)")
                }
                return value
            }
            if let rpm = try integer(entry.requestsPerMinute, "requests_per_minute", atLeast: 1, "must be positive") {
                tier.requestsPerMinute = rpm
            }
            if let burst = try integer(entry.burst, "burst", atLeast: 1, "must be positive") { tier.burst = burst }
            if let price = try integer(entry.priceCentsPerMonth, "price_cents_per_month", atLeast: 0, "must not be negative") {
                tier.priceCentsPerMonth = price
            }
            if let overage = try integer(entry.overageCreditsPerUSD, "overage_credits_per_usd", atLeast: 1,
                                         "must be positive (leave it out when overage is not sold)") {
                tier.overageCreditsPerUSD = overage
            }
            table.upsert(tier)
        }
        guard table.tier(named: table.defaultTierName) != nil else {
            throw TierOverrideError(index: nil, name: table.defaultTierName, field: "default_tier",
                                    reason: "names no tier")
        }
        return table
    }

    /// `defaults` (or `self`) with the override file at `path` applied.
    public func applying(overridesFile path: String) throws -> TierTable {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TierOverrideError(index: nil, name: nil, field: nil, reason: "cannot read \(path): \(error.localizedDescription)")
        }
        return try applying(overridesJSON: data)
    }
}

/// A tier override file entry that could not be applied.
public struct TierOverrideError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Position of the entry in `tiers`, if the error is about one entry.
    public var index: Int?
    public var name: String?
    public var field: String?
    public var reason: String

    public init(index: Int? = nil, name: String? = nil, field: String? = nil, reason: String) {
        self.index = index
        self.name = name
        self.field = field
        self.reason = reason
    }

    /// The error for a problem at `path` in the file: the entry (index and, when the file could
    /// be read, name) when the path is inside `tiers`, and the field below it.
    static func locate(_ path: [OverridePathComponent], reason: String, file: TierOverrideFile?) -> TierOverrideError {
        guard path.count >= 2, path[0] == .key("tiers"), case .index(let index) = path[1] else {
            let field = OverridePathComponent.fieldName(path)
            return TierOverrideError(field: field.isEmpty ? nil : field,
                                     reason: field.isEmpty ? "not a valid tier override file (\(reason))" : reason)
        }
        let name = file.flatMap { $0.tiers.indices.contains(index) ? $0.tiers[index].name.lowercased() : nil }
        let field = OverridePathComponent.fieldName(path.dropFirst(2))
        return TierOverrideError(index: index, name: name, field: field.isEmpty ? nil : field, reason: reason)
    }

    public var description: String {
        var where_: [String] = []
        if let index { where_.append("tiers[\(index)]") }
        if let name { where_.append("\"\(name)\"") }
        if let field { where_.append("field \"\(field)\"") }
        return where_.isEmpty ? "tier overrides: \(reason)" : "tier overrides: \(where_.joined(separator: " ")): \(reason)"
    }
}

/// JSON shape of a tier override file.
struct TierOverrideFile: Decodable {
    var defaultTier: String?
    var tiers: [Entry]

    struct Entry: Decodable {
        var name: String
        var monthlyCredits: String?
        var requestsPerMinute: Int?
        var burst: Int?
        var priceCentsPerMonth: Int?
        var overageCreditsPerUSD: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, burst
            case monthlyCredits = "monthly_credits"
            case requestsPerMinute = "requests_per_minute"
            case priceCentsPerMonth = "price_cents_per_month"
            case overageCreditsPerUSD = "overage_credits_per_usd"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            // monthly_credits may be a string ("12.5") or an integer (12).
            if let text = try? container.decodeIfPresent(String.self, forKey: .monthlyCredits) {
                monthlyCredits = text
            } else if let whole = try? container.decodeIfPresent(Int64.self, forKey: .monthlyCredits) {
                monthlyCredits = String(whole)
            } else if container.contains(.monthlyCredits), try !container.decodeNil(forKey: .monthlyCredits) {
                throw DecodingError.typeMismatch(String.self, .init(codingPath: container.codingPath + [CodingKeys.monthlyCredits],
                                                                    debugDescription: "monthly_credits must be a decimal string or an integer"))
            } else {
                monthlyCredits = nil
            }
            requestsPerMinute = try container.decodeIfPresent(Int.self, forKey: .requestsPerMinute)
            burst = try container.decodeIfPresent(Int.self, forKey: .burst)
            priceCentsPerMonth = try container.decodeIfPresent(Int.self, forKey: .priceCentsPerMonth)
            overageCreditsPerUSD = try container.decodeIfPresent(Int.self, forKey: .overageCreditsPerUSD)
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tiers
        case defaultTier = "default_tier"
    }

    /// Every member the file may hold.
    static let schema = OverrideSchema.object(CodingKeys.self, nested: ["tiers": .array(.object(Entry.CodingKeys.self))])
}
