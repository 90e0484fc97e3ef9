/// A verbatim copy of `../shared/reference/models-and-pricing.md`, the project's reference facts
/// about models and prices, so that `ReferencePricingTests` can check the built-in registry
/// against it from any clone. `ReferencePricingTests.testEmbeddedCopyMatchesSharedReference`
/// fails when the shared file (if present) has changed: paste the new text here and fix the registry.
enum ReferencePricingTable {
    static let markdown = ##"""
# Models and pricing: reference facts

Model ids use the form provider/model (as the Vercel AI Gateway does). Prices are USD. Section 1 is the original Layers registry (its prices were per 1K tokens; converted here to per 1M). Section 7 is the public price table, which is more current: prefer it, and keep the original's 23 models plus the newer ones.

## 1. Original model registry (verbatim values, converted)

Source: `packages/@layers/models/src/registry.ts` @44f0cc7 (identical to `lib/models/registry.ts` @HEAD).
**Prices in the registry are USD per 1K tokens.** I multiplied by 1000 to give per-1M prices.
Capability vocabulary (`types.ts`): `text, vision, pdf, audio-in, video-in, tools, web, image-gen, json, stream, cache, thinking, embed`.
Extra field: `reasoningOnly?: boolean`. Only `sonar-reasoning-pro` sets it.

| id | provider | name | capabilities (as registered) | context | in $/1M | out $/1M | released | notes |
|---|---|---|---|---|---|---|---|---|
| `anthropic/claude-haiku-4.5` | anthropic | Claude 4.5 Haiku | text, vision, tools, json, stream, cache | 200,000 | 1.00 | 5.00 | 2025-10 | |
| `anthropic/claude-sonnet-4.5` | anthropic | Claude 4.5 Sonnet | text, vision, tools, json, stream, cache, thinking | 200,000 | 3.00 | 15.00 | 2025-09 | |
| `anthropic/claude-opus-4.5` | anthropic | Claude 4.5 Opus | text, vision, tools, json, stream, cache, thinking | 200,000 | 5.00 | 25.00 | 2025-11 | |
| `openai/gpt-4o` | openai | GPT-4o | text, vision, tools, json, stream | 128,000 | 2.50 | 10.00 | 2024-05 | |
| `openai/gpt-4o-mini` | openai | GPT-4o Mini | text, vision, tools, json, stream | 128,000 | **0.10** | 0.60 | 2024-07 | public price is $0.15 in |
| `openai/gpt-5-chat` | openai | GPT-5 Chat | text, vision, tools, json, stream | 128,000 | 1.30 | 10.00 | 2025-08 | public $1.25 (rounded up) |
| `openai/gpt-5-codex` | openai | GPT-5 Codex | tools, json, stream | 400,000 | 1.30 | 10.00 | 2025-08 | "use tools/json, not plain text" |
| `openai/gpt-5.1-codex` | openai | GPT-5.1 Codex | tools, json, stream | 400,000 | 1.30 | 10.00 | 2025-11 | |
| `openai/gpt-5.1-codex-mini` | openai | GPT-5.1 Codex Mini | tools, json, stream | 400,000 | **0.30** | 2.00 | 2025-11 | public $0.25 in |
| `openai/gpt-5.1-instant` | openai | GPT-5.1 Instant | text, vision, tools, json, stream | 128,000 | 1.30 | 10.00 | 2025-11 | |
| `openai/gpt-5.1-thinking` | openai | GPT-5.1 Thinking | text, vision, tools, json, stream, thinking | 400,000 | 1.30 | 10.00 | 2025-11 | |
| `google/gemini-2.5-flash` | google | Gemini 2.5 Flash | text, vision, audio-in, video-in, tools, json | 1,000,000 | 0.30 | 2.50 | 2025-03 | "stream unreliable via gateway (1 chunk)" |
| `google/gemini-2.5-flash-lite` | google | Gemini 2.5 Flash Lite | text, vision, json | 1,000,000 | 0.10 | 0.40 | 2025-03 | |
| `google/gemini-2.5-flash-image` | google | Gemini 2.5 Flash Image | text, vision, tools, json, image-gen | 1,000,000 | 0.30 | 2.50 | 2025-03 | image out via responseModalities |
| `google/gemini-2.5-pro` | google | Gemini 2.5 Pro | text, vision, audio-in, video-in, pdf, tools, json, thinking | 1,000,000 | 1.30 | 10.00 | 2025-03 | public $1.25 (≤200K) |
| `google/gemini-3-flash` | google | Gemini 3 Flash | vision, audio-in, video-in, tools, json | 1,000,000 | 0.50 | 3.00 | 2025-12 | "text intermittent via gateway" |
| `google/gemini-3-pro-preview` | google | Gemini 3 Pro Preview | text, audio-in, video-in, pdf, tools, json, thinking | 1,000,000 | 2.00 | 12.00 | 2025-12 | "vision unreliable via gateway" |
| `google/gemini-3-pro-image` | google | Gemini 3 Pro Image | text, vision, tools, json, image-gen | 65,000 | 2.00 | **120.00** | 2025-12 | output = image-token rate |
| `perplexity/sonar` | perplexity | Sonar | web, json, stream | 127,000 | 1.00 | 1.00 | 2025-02 | |
| `perplexity/sonar-pro` | perplexity | Sonar Pro | web, json, stream | 200,000 | 3.00 | 15.00 | 2025-02 | |
| `perplexity/sonar-reasoning-pro` | perplexity | Sonar Reasoning Pro | web, thinking (`reasoningOnly: true`) | 127,000 | 2.00 | 8.00 | 2025-02 | |
| `morph/morph-v3-fast` | morph | Morph V3 Fast | text, stream | 81,000 | 0.80 | 1.20 | 2025-07 | |
| `morph/morph-v3-large` | morph | Morph V3 Large | text, stream | 81,000 | 0.90 | 1.90 | 2025-07 | |

Models removed on purpose (with reasons, from REGISTRY.md/HANDOFF):
- `gpt-5`, `gpt-5-mini`, `gpt-5-nano`, `gpt-5-pro`: "no response via gateway".
- `gpt-5.1-codex-max`: intermittent failures.
- `o3`, `o3-mini`, `o4-mini`: "not needed for MVP", later removed. They were `reasoningOnly`.
- `sonar-reasoning`: deprecated, merged into sonar-reasoning-pro.
- The embedding models `text-embedding-3-small/large`, `text-embedding-005` and `text-multilingual-embedding-002`.
- `imagen-4.0-*` (these moved to the image endpoint), and all xAI and DeepSeek models.

Helper semantics (`helpers.ts`):
- `getCheapestModel(caps)` compares `input + output` per-1K prices.
- `sortModels(by: price|context|released|name)`.
- `filterModels({provider, capabilities (ALL), capabilitiesAny, type, minContextWindow, maxInputPrice, maxOutputPrice})`.
- `calculateCost(id, in, out) = in/1000*input + out/1000*output`.
- `calculateCredits(id, in, out, margin = 60) = cost/0.01 * (1 + margin/100)`.
- README example: sonnet-4.5 with 2000 in + 1000 out costs $0.021, which is **3.36 credits**.

### 1a. Original image pricing (`app/api/v1/image/route.ts` @HEAD)

`IMAGE_PRICING` is **credits per image, already including the 60% margin**. In other words, credits = USD × 1.6 / 0.01. Unknown image models default to 6.4 credits ($0.04).

| model id | credits / image | implied provider USD | basis (as commented) |
|---|---|---|---|
| `bfl/flux-2-pro` | 4.8 | 0.03 | $0.03/MP, assumed 1 MP |
| `bfl/flux-2-flex` | 9.6 | 0.06 | $0.06/MP (BFL now lists "from $0.05") |
| `bfl/flux-2-klein-4b` | 2.24 | 0.014 | $0.014/MP |
| `bfl/flux-2-klein-9b` | 2.40 | 0.015 | $0.015/MP |
| `bfl/flux-pro-1.1` | 6.4 | 0.04 | per image |
| `bfl/flux-pro-1.1-ultra` | 9.6 | 0.06 | per image |
| `bfl/flux-kontext-pro` | 6.4 | 0.04 | per image |
| `bfl/flux-kontext-max` | 12.8 | 0.08 | per image |
| `google/imagen-4.0-fast-generate-001` | 3.2 | 0.02 | per image |
| `google/imagen-4.0-generate-001` | 6.4 | 0.04 | per image |
| `google/imagen-4.0-ultra-generate-001` | 12.8 | 0.08 | per image (Google lists $0.06) |
| *(any other, e.g. `recraft/recraft-v3`)* | 6.4 (default) | 0.04 | matches Recraft V3 raster price |

The docs pages (content/docs/models/image-generation/*.mdx) also list `bfl/flux-dev`, `bfl/flux-schnell`, `google/gemini-2.5-flash-image` and `google/gemini-2.5-flash-lite-image`. Recraft appears only in prose ("Recraft V3, Recraft V2"; route `recraft/* → Recraft API`). It is never in the price table.

---

## 7. Public reference table (for the models the seed names)

Main machine-readable source: **models.dev** (`anomalyco/models.dev`, snapshot f3fc69229, 2026-07-02). I used the `providers/vercel/models/<provider>/<model>.toml` files, which are the **Vercel AI Gateway ids**, merged with their `base_model` entries under `models/`. Costs are USD per 1M tokens. The cross-checks against official pages are listed under the table.

Capability abbreviations: V = vision (image input), PDF, A/Vd = audio/video input, T = tools, J = structured output / JSON schema, R = reasoning/thinking, C = prompt caching (cache price published), W = built-in web search, S = streaming (supported by every chat model listed; Morph supports stream via the gateway), IMG = image output.

| Gateway id | in $/1M | out $/1M | cached in $/1M (read) | cache write $/1M | context | max out | capabilities | source |
|---|---|---|---|---|---|---|---|---|
| `anthropic/claude-haiku-4.5` | 1.00 | 5.00 | 0.10 | 1.25 (5m) / 2.00 (1h) | 200K | 64K | V, PDF, T, J*, R, C, S | models.dev; Anthropic pricing |
| `anthropic/claude-sonnet-4.5` | 3.00 | 15.00 | 0.30 | 3.75 (5m) / 6.00 (1h) | 200K (1M beta: >200K input billed $6 / $22.50) | 64K | V, PDF, T, J*, R, C, S | models.dev; Anthropic pricing |
| `anthropic/claude-opus-4.5` | 5.00 | 25.00 | 0.50 | 6.25 / 10.00 | 200K | 64K | V, PDF, T, J*, R, C, S | models.dev; Anthropic pricing |
| `anthropic/claude-opus-4.1` | 15.00 | 75.00 | 1.50 | 18.75 / 30.00 | 200K | 32K | V, PDF, T, R, C, S | models.dev; Anthropic pricing |
| `anthropic/claude-opus-4` | 15.00 | 75.00 | 1.50 | 18.75 / 30.00 | 200K | 32K | V, PDF, T, R, C, S | models.dev; Anthropic pricing |
| `anthropic/claude-opus-4.6` | 5.00 | 25.00 | 0.50 | 6.25 / 10.00 | 1M | 128K | V, PDF, T, R, C, S | models.dev; Anthropic pricing |
| `anthropic/claude-sonnet-4.6` | 3.00 (>200K: 6.00) | 15.00 (>200K: 22.50) | 0.30 | 3.75 | 1M | 128K | V, PDF, T, R, C, S | models.dev |
| `openai/gpt-4o` | 2.50 | 10.00 | 1.25 | — (automatic) | 128K | 16,384 | V, PDF, T, J, C(auto), S | models.dev; OpenAI pricing |
| `openai/gpt-4o-mini` | 0.15 | 0.60 | 0.075 | — | 128K | 16,384 | V, PDF, T, J, C(auto), S | models.dev; OpenAI pricing |
| `openai/gpt-5` | 1.25 | 10.00 | 0.125 | — | 400K (272K in) | 128K | V, T, J, R (effort minimal–high), S | models.dev |
| `openai/gpt-5-mini` | 0.25 | 2.00 | 0.025 | — | 400K (272K in) | 128K | V, T, J, R, S | models.dev |
| `openai/gpt-5-nano` | 0.05 | 0.40 | 0.005 | — | 400K (272K in) | 128K | V, T, J, R, S | models.dev |
| `openai/gpt-5-pro` | 15.00 | 120.00 | — | — | 400K | 272K | V, PDF, T, J, R | models.dev |
| `openai/gpt-5-chat` | 1.25 | 10.00 | 0.125 | — | 128K | 16,384 | V, PDF, T, S | models.dev |
| `openai/gpt-5-codex` | 1.25 | 10.00 | 0.125 | — | 400K (272K in) | 128K | V, T, J, R | models.dev |
| `openai/gpt-5.1-instant` | 1.25 | 10.00 | 0.125 | — | 128K | 16,384 | V, PDF, T, S | models.dev |
| `openai/gpt-5.1-thinking` | 1.25 | 10.00 | 0.125 | — | 400K (272K in) | 128K | V, PDF, T, R, S | models.dev |
| `openai/gpt-5.1-codex` | 1.25 | 10.00 | 0.125 | — | 400K | 128K | V, PDF, T, J, R | models.dev |
| `openai/gpt-5.1-codex-mini` | 0.25 | 2.00 | 0.025 | — | 400K | 128K | V, PDF, T, J, R | models.dev |
| `openai/gpt-5.1-codex-max` | 1.25 | 10.00 | 0.125 | — | 400K | 128K | V, PDF, T, J, R | models.dev |
| `openai/o1` | 15.00 | 60.00 | 7.50 | — | 200K | 100K | V, PDF, T, J, R | models.dev |
| `openai/o3` | 2.00 | 8.00 | 0.50 | — | 200K | 100K | V, PDF, T, J, R | models.dev |
| `openai/o3-mini` | 1.10 | 4.40 | 0.55 | — | 200K | 100K | T, J, R (text only) | models.dev |
| `openai/o4-mini` | 1.10 | 4.40 | 0.275 | — | 200K | 100K | V, T, J, R | models.dev |
| `openai/o3-pro` | 20.00 | 80.00 | — | — | 200K | 100K | V, PDF, T, J, R | models.dev |
| `google/gemini-2.5-flash` | 0.30 (audio 1.00) | 2.50 | 0.03 | (storage billed separately) | 1,048,576 | 65,536 | V, PDF, A, Vd, T, J, R (budget 0–24,576), C, S | models.dev; Google pricing |
| `google/gemini-2.5-flash-lite` | 0.10 (audio 0.30) | 0.40 | 0.01 | — | 1,048,576 | 65,536 | V, PDF, T, J, R, C, S | models.dev |
| `google/gemini-2.5-pro` | 1.25 (>200K: 2.50) | 10.00 (>200K: 15.00) | 0.125 (>200K: 0.25) | — | 1,048,576 | 65,536 | V, PDF, A, Vd, T, J, R, C, S | models.dev; Google pricing |
| `google/gemini-2.5-flash-image` | 0.30 | 2.50 text; image out $30/1M tok ≈ **$0.039/image** (1290 tok) | 0.03 | — | 32,768 | 65,536 | IMG (text+image out) | models.dev; Google pricing (via discuss.ai.google.dev) |
| `google/gemini-3-flash` | 0.50 | 3.00 | 0.05 | — | 1M | 65K | V, PDF, T, R, C, S | models.dev |
| `google/gemini-3-pro-preview` | 2.00 (>200K: 4.00) | 12.00 (>200K: 18.00) | 0.20 (>200K: 0.40) | — | 1M | 64K | V, PDF, T, J, R, C, S (marked deprecated in models.dev) | models.dev |
| `google/gemini-3-pro-image` | 2.00 | 12.00 text; image tokens $120/1M ≈ $0.134 (1–2K) / $0.24 (4K) per image | 0.20 | — | 65,536 | 32,768 | IMG | models.dev; laozhang.ai guide (3rd party) |
| `perplexity/sonar` | 1.00 | 1.00 | — | — | 127K (Perplexity: 128K) | 8K | W, V, S, J; **+ request fee** | Perplexity pricing page |
| `perplexity/sonar-pro` | 3.00 | 15.00 | — | — | 200K | 8K | W, V, S, J; + request fee | Perplexity pricing page |
| `perplexity/sonar-reasoning-pro` | 2.00 | 8.00 | — | — | 127K (128K) | 8K | W, R (`<think>` in content; `reasoning_effort`), S; + request fee | Perplexity pricing page |
| `perplexity/sonar-reasoning` *(deprecated)* | 1.00 | 5.00 | — | — | 128K | — | W, R | Perplexity pricing page (older version) |
| `morph/morph-v3-fast` | 0.80 | 1.20 | — | — | 16K (models.dev) / 81,920 (opencode) | 16K / 38K | text, S (apply-edit model) | models.dev; Vercel model page |
| `morph/morph-v3-large` | 0.90 | 1.90 | — | — | Vercel page: 81.9K input / 16.4K output; models.dev: 32K | | text, S | vercel.com/ai-gateway/models/morph-v3-large |

\* Anthropic has no native `response_format`. JSON is done through a forced tool, by prompting, or (on newer models) with structured-outputs beta features. The Vercel gateway/AI SDK emulates it.

**Perplexity request fees** (per 1K requests, by `web_search_options.search_context_size` low/medium/high). These are in addition to token costs, and the figures come from a third-party tracker dated 2025-07 (noodle-perplexity-mcp costTracker):

| model | low | medium | high |
|---|---|---|---|
| sonar | $5 | $8 | $12 |
| sonar-pro | $6 | $10 | $14 |
| sonar-reasoning-pro | $6 | $10 | $14 |

The official page (docs.perplexity.ai/getting-started/pricing) confirms that "Total cost per query = Token costs + Request fee (varies by search context size)".

**Anthropic cache multipliers** (official pricing page): 5-minute write = 1.25× input, 1-hour write = 2× input, cache hit = 0.1× input.
**OpenAI caching**: automatic (no write charge). The cached-input price is 50% of input for gpt-4o, gpt-4o-mini, o1 and o3-mini; 25% for gpt-4.1, o3 and o4-mini; and 10% for the GPT-5 family (models.dev values above; adk-model pricing notes).
**Gemini implicit caching**: the cached-read price is shown above; explicit cache storage is billed per hour.

### 7a. Image models — public prices

| Gateway id | provider price | source |
|---|---|---|
| `bfl/flux-2-pro` | from $0.03 per image at ~1 MP (megapixel-based; editing from $0.045) | docs.bfl.ai/quick_start/pricing |
| `bfl/flux-2-flex` | from $0.05 | docs.bfl.ai |
| `bfl/flux-2-max` | from $0.07 | docs.bfl.ai |
| `bfl/flux-2-klein-4b` / `-9b` | from $0.014 / $0.015 | docs.bfl.ai |
| `bfl/flux-pro-1.1` | $0.04 / image (BFL: 1 credit = $0.01) | docs.bfl.ai; flexprice teardown |
| `bfl/flux-pro-1.1-ultra` | $0.06 / image; aspect ratios 21:9…9:21 | vercel.com/ai-gateway/models/flux-pro-1.1-ultra.md |
| `bfl/flux-kontext-pro` / `-max` | $0.04 / $0.08 per image | BFL pricing (as used by Layers); 3rd-party listings agree |
| `google/imagen-4.0-fast-generate-001` | $0.02 / image | Gemini API pricing (quoted in discuss.ai.google.dev thread) |
| `google/imagen-4.0-generate-001` | $0.04 / image | same |
| `google/imagen-4.0-ultra-generate-001` | **$0.06** / image (Layers used $0.08) | same |
| `recraft/recraft-v3` | $0.04 raster / $0.08 vector per image | recraft.ai/docs/api-reference/pricing |
| `recraft/recraft-v2` | $0.022 raster / $0.044 vector | recraft.ai pricing |
| `recraft/recraft-v4` / `-v4-pro` | $0.04 / $0.25 raster ($0.08 / $0.30 vector) | api-evangelist snapshot of recraft pricing |

With Layers' formula (×1.6 ÷ $0.01), one image costs:
- 3.2 credits at $0.02
- 4.8 credits at $0.03
- 6.4 credits at $0.04
- 9.6 credits at $0.06
- 12.8 credits at $0.08

---

"""##
}
