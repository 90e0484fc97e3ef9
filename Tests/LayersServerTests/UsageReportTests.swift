import Foundation
import LayersCore
import LayersCredits
import XCTest
@testable import LayersServer

/// `GET /api/usage`: totals, the breakdowns (day, model, provider, key, project), recent rows and the date range.
final class UsageReportTests: XCTestCase {
    let day: TimeInterval = 86_400

    func row(_ gw: TestGateway, _ id: String, model: String, provider: String, project: String?, credits: String,
             daysAgo: Double, key: APIKeyID? = nil, test: Bool = false) -> UsageRecord {
        UsageRecord(requestID: id, userID: gw.user, apiKeyID: key, project: project, provider: provider, model: model,
                    promptTokens: 10, completionTokens: 5, credits: MicroCredits(decimalString: credits)!,
                    creditsCharged: test ? .zero : MicroCredits(decimalString: credits)!, isTest: test,
                    createdAt: Date().addingTimeInterval(-daysAgo * day))
    }

    func testBreakdownsAndDateRange() async throws {
        let gw = try await TestGateway.make()
        let keyA = APIKeyID.random(), keyB = APIKeyID.random()
        let rows = [
            row(gw, "u1", model: "openai/gpt-4o", provider: "openai", project: "alpha", credits: "1", daysAgo: 0.01, key: keyA),
            row(gw, "u2", model: "openai/gpt-4o", provider: "openai", project: "beta", credits: "2", daysAgo: 2, key: keyB),
            row(gw, "u3", model: "anthropic/claude-sonnet-4.5", provider: "anthropic", project: "alpha", credits: "4",
                daysAgo: 2, key: keyA),
            row(gw, "u4", model: "anthropic/claude-sonnet-4.5", provider: "anthropic", project: "alpha", credits: "8",
                daysAgo: 40, key: keyA),
            row(gw, "u5", model: "openai/gpt-4o", provider: "openai", project: nil, credits: "16", daysAgo: 1, test: true),
        ]
        // Live rows are settled (charged through the ledger), the test row only logged, as the pipeline does.
        for r in rows {
            if r.isTest {
                _ = try await gw.services.stores.usage.recordUsage(r)
            } else {
                _ = try await gw.services.stores.ledger.settle(Settlement(usage: r, charge: r.credits))
            }
        }

        // Default: last 30 days, live rows only.
        let last30 = await gw.send(.get, "/api/usage", key: gw.liveKey)
        XCTAssertEqual(last30.status, 200, last30.body)
        XCTAssertEqual(last30.json["total_requests"]?.intValue, 3)
        XCTAssertEqual(last30.json["total_credits_used"]?.numberValue?.text, "7")
        XCTAssertEqual(last30.json["totals"]?["prompt_tokens"]?.intValue, 30)
        // Newest first.
        let recent = last30.json["recent_logs"]?.arrayValue?.map { $0["request_id"]?.stringValue ?? "" } ?? []
        XCTAssertEqual(recent.first, "u1")
        XCTAssertEqual(Set(recent), ["u1", "u2", "u3"])
        let byModel = try XCTUnwrap(last30.json["by_model"]?.arrayValue)
        XCTAssertEqual(byModel.map { $0["model"]?.stringValue ?? "" }, ["anthropic/claude-sonnet-4.5", "openai/gpt-4o"])
        XCTAssertEqual(byModel.map { $0["credits_charged"]?.numberValue?.text ?? "" }, ["4", "3"])
        let byProvider = try XCTUnwrap(last30.json["by_provider"]?.arrayValue)
        XCTAssertEqual(byProvider.map { $0["provider"]?.stringValue ?? "" }, ["anthropic", "openai"])
        let byProject = try XCTUnwrap(last30.json["by_project"]?.arrayValue)
        XCTAssertEqual(byProject.map { $0["project"]?.stringValue ?? "" }, ["alpha", "beta"])
        XCTAssertEqual(byProject.map { $0["requests"]?.intValue ?? 0 }, [2, 1])
        let byKey = try XCTUnwrap(last30.json["by_key"]?.arrayValue)
        XCTAssertEqual(byKey.map { $0["api_key_id"]?.stringValue ?? "" }, [keyA.description, keyB.description])
        XCTAssertEqual(last30.json["by_day"]?.arrayValue?.count, 2)

        // An explicit range: only the 40-day-old row.
        let from = RecordJSON.iso8601(Date().addingTimeInterval(-41 * day))
        let to = RecordJSON.iso8601(Date().addingTimeInterval(-39 * day))
        let old = await gw.send(.get, "/api/usage?from=\(from)&to=\(to)", key: gw.liveKey)
        XCTAssertEqual(old.status, 200, old.body)
        XCTAssertEqual(old.json["total_requests"]?.intValue, 1)
        XCTAssertEqual(old.json["recent_logs"]?[0]?["request_id"]?.stringValue, "u4")
        // days=60 reaches it too; filters narrow by model and project.
        let v1 = await gw.send(.get, "/api/usage?days=60", key: gw.liveKey).json["total_requests"]?.intValue
        XCTAssertEqual(v1, 4)
        let v2 = await gw.send(.get, "/api/usage?days=60&model=openai/gpt-4o", key: gw.liveKey)
            .json["total_requests"]?.intValue
        XCTAssertEqual(v2, 2)
        let v3 = await gw.send(.get, "/api/usage?days=60&project=alpha", key: gw.liveKey).json["total_credits_used"]?
            .numberValue?.text
        XCTAssertEqual(v3, "13")
        let v4 = await gw.send(.get, "/api/usage?key=\(keyB)", key: gw.liveKey).json["total_requests"]?.intValue
        XCTAssertEqual(v4, 1)
        // Test rows on request; counted but never charged.
        let withTest = await gw.send(.get, "/api/usage?include_test=true", key: gw.liveKey)
        XCTAssertEqual(withTest.json["total_requests"]?.intValue, 4)
        XCTAssertEqual(withTest.json["total_credits_used"]?.numberValue?.text, "7")
        XCTAssertEqual(withTest.json["totals"]?["credits"]?.numberValue?.text, "23")
        // A range the wrong way round, or a date that is not a date, names the parameter.
        let backwards = await gw.send(.get, "/api/usage?from=\(to)&to=\(from)", key: gw.liveKey)
        XCTAssertEqual(backwards.status, 400)
        XCTAssertEqual(backwards.json["error"]?["param"]?.stringValue, "from")
        let garbage = await gw.send(.get, "/api/usage?to=yesterday", key: gw.liveKey)
        XCTAssertEqual(garbage.json["error"]?["param"]?.stringValue, "to")
        let v5 = await gw.send(.get, "/api/usage?limit=0", key: gw.liveKey).json["error"]?["param"]?.stringValue
        XCTAssertEqual(v5, "limit")
    }

    func testUsageIsPerUser() async throws {
        let gw = try await TestGateway.make()
        let ops = AccountOperations(stores: gw.services.stores)
        let (other, _) = try await ops.createUser(email: "o@example.com", name: nil, tier: "pro", credits: nil)
        _ = try await gw.services.stores.accounts.addCredits(userID: other.id, amount: MicroCredits(credits: 10),
                                                             externalRef: nil, note: nil)
        _ = try await gw.services.stores.ledger.settle(Settlement(usage: UsageRecord(
            requestID: "theirs", userID: other.id, provider: "openai", model: "openai/gpt-4o",
            credits: MicroCredits(credits: 5)), charge: MicroCredits(credits: 5)))
        let mine = await gw.send(.get, "/api/usage", key: gw.liveKey)
        XCTAssertEqual(mine.json["total_requests"]?.intValue, 0)
        XCTAssertEqual(mine.json["recent_logs"]?.arrayValue?.count, 0)
    }
}
