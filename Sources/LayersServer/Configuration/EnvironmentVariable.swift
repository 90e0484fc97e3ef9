/// One documented configuration setting. The catalog below is the single source of truth for `--help`,
/// `docs/configuration.md` and the parser, so a setting cannot exist undocumented.
public struct EnvironmentVariable: Sendable, Hashable {
    public enum Group: String, Sendable, CaseIterable {
        case server = "Server"
        case database = "Database"
        case billing = "Billing and limits"
        case providers = "Providers"
    }

    public let name: String
    public let group: Group
    public let defaultDescription: String
    public let help: String

    public init(_ name: String, _ group: Group, default defaultDescription: String, _ help: String) {
        self.name = name
        self.group = group
        self.defaultDescription = defaultDescription
        self.help = help
    }
}

extension EnvironmentVariable {
    /// Every environment variable `layers-server` reads.
    public static let catalog: [EnvironmentVariable] = [
        .init("LAYERS_CONFIG_FILE", .server, default: "(none)",
              "JSON file of settings, keys are these variable names; the environment wins over the file."),
        .init("LAYERS_HOST", .server, default: "0.0.0.0", "Address to listen on."),
        .init("LAYERS_PORT", .server, default: "3700", "TCP port to listen on (PORT is accepted too)."),
        .init("LAYERS_HTTP_THREADS", .server, default: "number of cores", "Event-loop threads of the HTTP server."),
        .init("LAYERS_UPSTREAM_ON_EVENT_LOOPS", .server, default: "false",
              "true: provider calls run on the HTTP event loop that took the request (libcurl's socket interface), "
                + "with no thread hand-off. Measured slower than the default (the upstream client's own curl thread) "
                + "on 2 cores; see docs/providers.md."),
        .init("LAYERS_ADMIN_TOKEN", .server, default: "(unset: admin API off)",
              "Bearer token for /admin/* endpoints; at least 16 characters."),
        .init("LAYERS_CORS_ORIGINS", .server, default: "(none)",
              "Comma-separated browser origins allowed by CORS (ALLOWED_ORIGINS is accepted too); * allows any."),
        .init("LAYERS_ACCESS_LOG", .server, default: "true", "One access-log line per request on stderr (true/false)."),
        .init("LAYERS_SHUTDOWN_GRACE_SECONDS", .server, default: "30",
              "On SIGTERM/SIGINT, how long in-flight requests and streams may finish."),
        .init("LAYERS_MAX_BODY_BYTES", .server, default: "33554432", "Largest request body accepted (413 above)."),
        .init("LAYERS_HTTP_MAX_CONNECTIONS", .server, default: "16384",
              "Open client connections at most; over it a new connection gets 503 and is closed."),
        .init("LAYERS_HTTP_MAX_REQUEST_LINE_BYTES", .server, default: "8192", "Longest request line (414 above)."),
        .init("LAYERS_HTTP_MAX_HEADER_BYTES", .server, default: "32768",
              "Longest request head, request line and headers together (431 above)."),
        .init("LAYERS_HTTP_MAX_HEADERS", .server, default: "100", "Most header fields in a request (431 above)."),
        .init("LAYERS_HTTP_HEADER_TIMEOUT_MS", .server, default: "10000",
              "Time allowed to send a request head (408 and close; against slowloris)."),
        .init("LAYERS_HTTP_BODY_TIMEOUT_MS", .server, default: "30000",
              "Longest wait for the next request-body bytes (408 and close)."),
        .init("LAYERS_HTTP_IDLE_TIMEOUT_MS", .server, default: "75000", "How long an idle keep-alive connection is kept."),
        .init("LAYERS_HTTP_WRITE_STALL_MS", .server, default: "60000",
              "How long a client may stop reading a response before the connection is closed and its request cancelled."),
        .init("DATABASE_URL", .database, default: "(unset: in-memory stores, nothing persisted)",
              "PostgreSQL connection URL (postgresql://user@host/db or key=value form)."),
        .init("LAYERS_DB_POOL_SIZE", .database, default: "8", "PostgreSQL connections in the pool."),
        .init("LAYERS_KEY_CACHE_SECONDS", .database, default: "5",
              "How long a key lookup is cached; revocation takes effect within this bound."),
        .init("LAYERS_SETTLEMENT", .database, default: "background",
              "background: answer first, then settle (balance/usage reads wait for the caller's own pending "
                + "settlements; shutdown drains them); sync: settle before answering."),
        .init("LAYERS_SETTLEMENT_JOURNAL", .database, default: "(none: queued settlements live in memory)",
              "File keeping settlements queued while PostgreSQL is unreachable, replayed at the next start."),
        .init("LAYERS_SETTLEMENT_GROUP_COMMIT", .database, default: "true",
              "Settlements that arrive while earlier ones are being written share one PostgreSQL transaction "
                + "(one WAL flush per batch; a lone settlement is written at once). false: one transaction each."),
        .init("LAYERS_OVERLAP_RESERVATION", .database, default: "true",
              "Place a request's credit hold while its provider call starts when the owner's balance (as last read) "
                + "covers 20x the estimate; a hold refused after all cancels the call (402). false: hold first."),
        .init("LAYERS_CREDIT_LEASES", .database, default: "true",
              "Hold and settle credits in memory against per-user leases taken from PostgreSQL, and write "
                + "settlements and usage rows in bulk (one transaction per LAYERS_LEASE_FLUSH_MS). false: one "
                + "PostgreSQL transaction per hold and per settlement (docs/credits.md, \"Credit leases\")."),
        .init("LAYERS_LEASE_FLUSH_MS", .database, default: "50",
              "With credit leases: how long settlements wait to be written together (a flush also starts as soon "
                + "as 512 are pending). A kill -9 loses at most this window's charges, or 512 settlements under load "
                + "(uncharged, never double); a graceful stop loses none."),
        .init("LAYERS_RESERVATION_TTL_SECONDS", .database, default: "900",
              "Credit holds of requests that never settle expire after this long."),
        .init("LAYERS_DEFAULT_MARGIN_PERCENT", .billing, default: "60",
              "Markup on provider cost (60 means cost x 1.6); per-user and per-key overrides win."),
        .init("LAYERS_MAX_CREDITS_PER_REQUEST", .billing, default: "100",
              "Requests whose estimate exceeds this many credits get 400."),
        .init("LAYERS_MAX_MESSAGES", .billing, default: "100", "Most messages in one chat request (400 above)."),
        .init("LAYERS_MAX_MESSAGE_CHARS", .billing, default: "100000",
              "Longest message content in characters (400 above)."),
        .init("LAYERS_RATE_LIMIT_BURST_SECONDS", .billing, default: "60",
              "Token-bucket size, in seconds of the tier's rate (60: a full minute's allowance at once)."),
        .init("LAYERS_IMAGE_MAX_PROMPT_CHARS", .billing, default: "10000", "Longest image prompt (400 above)."),
        .init("LAYERS_IMAGE_MAX_N", .billing, default: "4", "Most images in one request (400 above)."),
        .init("LAYERS_TIERS_FILE", .billing, default: "(built-in free/starter/pro/team)",
              "JSON file replacing the tier table (monthly credits, requests per minute)."),
        .init("LAYERS_MODELS_FILE", .billing, default: "(built-in registry)",
              "JSON file of model additions and price overrides."),
        .init("OPENAI_API_KEY", .providers, default: "(unset)", "OpenAI key; OPENAI_BASE_URL overrides the endpoint."),
        .init("OPENAI_BASE_URL", .providers, default: "https://api.openai.com/v1", "OpenAI endpoint."),
        .init("ANTHROPIC_API_KEY", .providers, default: "(unset)", "Anthropic key."),
        .init("ANTHROPIC_BASE_URL", .providers, default: "https://api.anthropic.com", "Anthropic endpoint."),
        .init("GEMINI_API_KEY", .providers, default: "(unset)", "Google Gemini key (GOOGLE_API_KEY accepted)."),
        .init("GEMINI_BASE_URL", .providers, default: "https://generativelanguage.googleapis.com", "Gemini endpoint."),
        .init("PERPLEXITY_API_KEY", .providers, default: "(unset)", "Perplexity key."),
        .init("PERPLEXITY_BASE_URL", .providers, default: "https://api.perplexity.ai", "Perplexity endpoint."),
        .init("MORPH_API_KEY", .providers, default: "(unset)", "Morph key."),
        .init("MORPH_BASE_URL", .providers, default: "https://api.morphllm.com/v1", "Morph endpoint."),
        .init("AI_GATEWAY_API_KEY", .providers, default: "(unset)",
              "Vercel AI Gateway key: serves any model whose own provider has no key."),
        .init("AI_GATEWAY_BASE_URL", .providers, default: "https://ai-gateway.vercel.sh/v1", "Vercel AI Gateway endpoint."),
        .init("BFL_API_KEY", .providers, default: "(unset)", "Black Forest Labs (Flux image models) key."),
        .init("BFL_BASE_URL", .providers, default: "https://api.bfl.ai", "Black Forest Labs endpoint."),
        .init("BFL_POLL_INTERVAL_MS", .providers, default: "500", "How often a pending Flux image is polled."),
        .init("BFL_DEADLINE_SECONDS", .providers, default: "120", "How long a Flux image may take (504 after)."),
        .init("RECRAFT_API_KEY", .providers, default: "(unset)", "Recraft (image models) key."),
        .init("RECRAFT_BASE_URL", .providers, default: "https://external.api.recraft.ai/v1", "Recraft endpoint."),
        .init("LAYERS_UPSTREAM_CONNECT_TIMEOUT_MS", .providers, default: "10000",
              "Upstream connect timeout (504 upstream_timeout when exceeded)."),
        .init("LAYERS_UPSTREAM_FIRST_BYTE_TIMEOUT_MS", .providers, default: "120000",
              "Time allowed until the provider's first response byte."),
        .init("LAYERS_UPSTREAM_TOTAL_TIMEOUT_MS", .providers, default: "600000",
              "Total time allowed for one upstream request."),
        .init("LAYERS_UPSTREAM_IDLE_TIMEOUT_MS", .providers, default: "120000",
              "Longest silence allowed between stream events."),
        .init("LAYERS_PROVIDERS_FILE", .providers, default: "(none)",
              "JSON file of named OpenAI-compatible providers (Ollama, vLLM, OpenRouter, LM Studio); their keys "
                + "come from the variables the file names (api_key_env)."),
    ]

    /// Alternative names accepted for compatibility, mapped to the catalog name they stand for.
    public static let aliases: [String: String] = [
        "PORT": "LAYERS_PORT", "ALLOWED_ORIGINS": "LAYERS_CORS_ORIGINS", "GOOGLE_API_KEY": "GEMINI_API_KEY",
    ]

    /// `--help` text: the settings grouped, each with its default.
    public static func helpText() -> String {
        var out = ""
        for group in Group.allCases {
            out += "\n\(group.rawValue):\n"
            for v in catalog where v.group == group {
                let pad = String(repeating: " ", count: 40)
                let name = v.name.count < 39 ? v.name + String(repeating: " ", count: 40 - v.name.count)
                    : v.name + "\n  " + pad
                out += "  \(name)\(v.help)\n"
                out += "  \(pad)default: \(v.defaultDescription)\n"
            }
        }
        return out
    }
}
