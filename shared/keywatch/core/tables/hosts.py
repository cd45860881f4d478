"""Error tables of model hosts and self-hosted inference servers: Replicate (its prediction
E-codes, its throttling and credit responses), Hugging Face (text-generation-inference's router
error types and validation messages, the Hub's X-Error-Code answers as huggingface_hub reads
them, Inference Providers' credit 402), Ollama (its documented status codes and the messages its
server and runners return), vLLM (its OpenAI-compatible ErrorResponse types and messages, engine
errors), llama.cpp's llama-server (its error_type enum and messages) and LM Studio (the few
responses its bug tracker records: it publishes no table). Where the source is code, the URL is
the file on the default branch (or a commit where the text has since been removed).
"""

from __future__ import annotations

from keywatch.core.reasons import Reason as R
from keywatch.core.tables._types import By, Code, ErrorTable

# retrieved 2026-12-06

# NVIDIA NIM: no error table found. Looked for one in docs.nvidia.com/nim/large-language-models
# (API Reference, Troubleshooting, "Troubleshooting Request Timeouts and Responses"), in
# docs.api.nvidia.com / build.nvidia.com (hosted integrate.api.nvidia.com), and in the docs,
# pages and code corpora. NIM for LLMs 2.x states its inference endpoints "are provided by the
# vLLM inference backend" and points to vLLM's OpenAI-compatible server docs for schemas, so a
# self-hosted NIM answers with the vLLM tables below; the hosted API's 401/402/429 bodies are
# not documented anywhere found, so none are transcribed.
# Re-checked 2026-12-06: the NIM for LLMs 2.1.x troubleshooting index lists only GPU memory,
# request timeouts, CUDA driver, OpenShift SCC and assistant-integration pages; none has an
# error-code table, and build.nvidia.com's hosted API documents no error bodies.

_HF_ALIASES = ("hf", "hugging_face", "hugging-face", "hf-inference", "huggingface_hub")
_TGI_ALIASES = (*_HF_ALIASES, "tgi", "text-generation-inference")
_LLAMACPP_ALIASES = ("llama.cpp", "llama-cpp", "llama_cpp", "llama-server", "llamacpp-server")
_LMSTUDIO_ALIASES = ("lm studio", "lm-studio", "lm_studio")

_TGI = "https://github.com/huggingface/text-generation-inference/blob/main/router/src"
_OLLAMA = "https://github.com/ollama/ollama/blob/main"
_VLLM = "https://github.com/vllm-project/vllm/blob/main/vllm"
_LLAMACPP = "https://github.com/ggml-org/llama.cpp/blob/master/tools/server"

TABLES: tuple[ErrorTable, ...] = (
    # ------------------------------------------------------------------ Replicate
    ErrorTable(
        provider="replicate",
        source="https://replicate.com/docs/reference/error-codes",
        field="prediction error (E#### code)",
        note=(
            "Every code on the page (its 'Common error codes' section; the page says codes start "
            "at 1000 and are always 4 digits). Messages are the page's headings. Failed "
            "predictions also carry codes the page does not list (public code quotes 'The input "
            "or output was flagged as sensitive. (E005)'); not transcribed, as undocumented."
        ),
        codes=(
            Code(
                "E1000",
                R.SERVER_ERROR,
                message="Unknown Error",
                note=(
                    "The page: an unexpected error 'we haven't categorized yet'; retry. "
                    "The provider's own failure: server_error, as the wording rules read "
                    "'unknown error'."
                ),
            ),
            Code(
                "E1001",
                R.BAD_REQUEST,
                message="Model Out of Memory (OOM Killed)",
                note=(
                    "The documented remedy changes the request: a smaller input (image, text), "
                    "chunking, or a lower-memory model variant. Not the context window; "
                    "server_error is arguable when the model itself needs more memory."
                ),
            ),
            Code("E4875", R.BAD_REQUEST, message="Internal Webhook URL Empty"),
            Code(
                "E6716",
                R.TIMEOUT,
                message="Timeout Starting Prediction",
                note="A start deadline passed (high load, slow init); overloaded is arguable.",
            ),
            Code(
                "E8367",
                R.SERVER_ERROR,
                message="Prediction Stopped in Non-Terminal State",
                note=(
                    "Causes listed: manual cancellation, maintenance, resource reallocation, "
                    "timeout limits; the provider's side in all but cancellation."
                ),
            ),
            Code("E8765", R.SERVER_ERROR, message="Model Health Check Failed"),
            Code(
                "E9243",
                R.BAD_REQUEST,
                message="Error Starting Prediction",
                by=By.WORDING,
                note=(
                    "Causes listed: invalid input parameters (first remedy: check inputs), model "
                    "configuration, resource allocation, environment setup."
                ),
            ),
            Code(
                "E9825",
                R.BAD_REQUEST,
                message="Failed to Upload File",
                by=By.WORDING,
                note=(
                    "Causes listed: file too large or of an invalid format, network, upload "
                    "timeout, storage quota exceeded (that one is quota_exhausted)."
                ),
            ),
        ),
    ),
    ErrorTable(
        provider="replicate",
        source="https://replicate.com/docs/topics/predictions/rate-limits",
        field="HTTP status",
        codes=(
            Code(
                "429",
                R.RATE_LIMITED,
                status=429,
                message='{"detail":"Request was throttled. Expected available in 1 second."}',
                by=By.WINDOW,
            ),
        ),
    ),
    ErrorTable(
        provider="replicate",
        source="https://replicate.com/docs/topics/billing/prepaid-credit",
        field="HTTP status",
        note=(
            "The page documents the behaviour ('As soon as your balance hits zero, we will "
            "prevent any new work from starting'), not the response body. The status and the "
            "problem-details body (title 'Insufficient credit') are as the API returns them, "
            "quoted verbatim in many public repositories; no Replicate page prints them."
        ),
        codes=(
            Code(
                "402",
                R.QUOTA_EXHAUSTED,
                status=402,
                message=(
                    "You have insufficient credit to run this model. Go to "
                    "https://replicate.com/account/billing#billing to purchase credit. Once you "
                    "purchase credit, please wait a few minutes before trying again."
                ),
            ),
        ),
    ),
    # ------------------------------------------------------------------ Hugging Face: TGI
    ErrorTable(
        provider="huggingface",
        aliases=_TGI_ALIASES,
        source=f"{_TGI}/infer/mod.rs",
        field="error_type",
        note=(
            "InferError::error_type() in infer/mod.rs; statuses from server.rs's "
            "From<InferError> for (StatusCode, Json<ErrorResponse>); messages are the variants' "
            '#[error] texts. Body: {"error": ..., "error_type": ...}. On the OpenAI-style '
            'stream the same errors come as {"error": {"message", "http_status_code": 422}}.'
        ),
        codes=(
            Code(
                "generation",
                R.SERVER_ERROR,
                status=424,
                message="Request failed during generation: {0}",
                by=By.WORDING,
                note="The shard failed mid-generation (e.g. CUDA OOM); the {0} may say more.",
            ),
            Code(
                "overloaded",
                R.OVERLOADED,
                status=429,
                message="Model is overloaded",
                note=(
                    "429, but it is the server's concurrency semaphore (max_concurrent_requests) "
                    "being full: no capacity, not a limit on the key."
                ),
            ),
            Code(
                "validation",
                R.BAD_REQUEST,
                status=422,
                message="Input validation error: {0}",
                by=By.WORDING,
                note="The {0} is one of the ValidationError messages (table below).",
            ),
            Code(
                "incomplete_generation",
                R.SERVER_ERROR,
                status=500,
                message="Incomplete generation",
            ),
            Code(
                "incomplete_generation_stream",
                R.SERVER_ERROR,
                status=500,
                message="Incomplete generation stream",
            ),
            Code("template_error", R.BAD_REQUEST, status=422, message="Template error: {0}"),
            Code(
                "missing_template_variable",
                R.BAD_REQUEST,
                status=422,
                message="Missing template vatiable: {0}",
            ),
            Code("tool_error", R.BAD_REQUEST, status=422, message="Tool error: {0}"),
            Code(
                "stream_serialization_error",
                R.SERVER_ERROR,
                status=500,
                message="Stream event serialization error",
            ),
        ),
    ),
    ErrorTable(
        provider="huggingface",
        aliases=_TGI_ALIASES,
        source=f"{_TGI}/validation.rs",
        field="error (after 'Input validation error: ', error_type 'validation', status 422)",
        note="Every ValidationError variant's #[error] text; {n} are the server's numbers.",
        codes=(
            Code("`best_of` must be > 0 and <= {0}. Given: {1}", R.BAD_REQUEST, status=422),
            Code("`best_of` != 1 is not allowed for this endpoint", R.BAD_REQUEST, status=422),
            Code("you must use sampling when `best_of` is > 1", R.BAD_REQUEST, status=422),
            Code("`seed` must not be set when `best_of` > 1", R.BAD_REQUEST, status=422),
            Code(
                "`best_of` != 1 is not supported when streaming tokens",
                R.BAD_REQUEST,
                status=422,
            ),
            Code("`top_n_tokens` must be >= 0 and <= {0}. Given: {1}", R.BAD_REQUEST, status=422),
            Code("`top_n_tokens` != 0 is not allowed for this endpoint", R.BAD_REQUEST, status=422),
            Code(
                "`decoder_input_details` == true is not supported when streaming tokens",
                R.BAD_REQUEST,
                status=422,
            ),
            Code("`temperature` must be strictly positive", R.BAD_REQUEST, status=422),
            Code("`repetition_penalty` must be strictly positive", R.BAD_REQUEST, status=422),
            Code("`frequency_penalty` must be >= -2.0 and <= 2.0", R.BAD_REQUEST, status=422),
            Code("`top_p` must be > 0.0 and < 1.0", R.BAD_REQUEST, status=422),
            Code("`top_k` must be strictly positive", R.BAD_REQUEST, status=422),
            Code(
                "`truncate` must be strictly positive and less than {0}. Given: {1}",
                R.BAD_REQUEST,
                status=422,
            ),
            Code("`typical_p` must be > 0.0 and < 1.0", R.BAD_REQUEST, status=422),
            Code(
                "one of `max_new_tokens` or `truncate` must be set if a fast tokenizer is not "
                "in use",
                R.BAD_REQUEST,
                status=422,
            ),
            Code("`max_new_tokens` must be strictly positive", R.BAD_REQUEST, status=422),
            Code(
                "`max_new_tokens` must be <= {0}. Given: {1}",
                R.BAD_REQUEST,
                status=422,
                note="An output cap set too high, not the input.",
            ),
            Code(
                "`inputs` tokens + `max_new_tokens` must be <= {0}. Given: {1} `inputs` tokens "
                "and {2} `max_new_tokens`",
                R.CONTEXT_LENGTH,
                status=422,
                note=(
                    "Input plus requested output over max_total_tokens, as OpenAI's "
                    "context_length_exceeded; lowering max_new_tokens can also fix it."
                ),
            ),
            Code("`inputs` must have less than {0} tokens. Given: {1}", R.CONTEXT_LENGTH, 422),
            Code("`inputs` cannot be empty", R.BAD_REQUEST, status=422),
            Code("`stop` supports up to {0} stop sequences. Given: {1}", R.BAD_REQUEST, 422),
            Code("tokenizer error {0}", R.BAD_REQUEST, status=422),
            Code("grammar is not supported", R.BAD_REQUEST, status=422),
            Code("grammar is not valid: {0}", R.BAD_REQUEST, status=422),
            Code("cannot compile regex from schema: {0}", R.BAD_REQUEST, status=422),
            Code("base64 encoding is invalid: {0}", R.BAD_REQUEST, status=422),
            Code("invalid image: {0}", R.BAD_REQUEST, status=422),
            Code("invalid integer: {0}", R.BAD_REQUEST, status=422),
            Code("invalid image content: {0}", R.BAD_REQUEST, status=422),
            Code(
                "Could not fetch image: {0}",
                R.BAD_REQUEST,
                status=422,
                note="The server could not fetch an image URL the request gave.",
            ),
            Code(
                "Image size {0} bytes exceeds maximum allowed size of {1} bytes",
                R.BAD_REQUEST,
                status=422,
            ),
            Code("Failed to read image data: {0}", R.BAD_REQUEST, status=422),
            Code("{0} modality is not supported", R.BAD_REQUEST, status=422),
        ),
    ),
    ErrorTable(
        provider="huggingface",
        aliases=_TGI_ALIASES,
        source=f"{_TGI}/server.rs",
        field="error_type",
        note="The error types server.rs builds itself (besides InferError's).",
        codes=(
            Code(
                "healthcheck",
                R.SERVER_ERROR,
                status=503,
                message="unhealthy",
                note="/health: the shards failed their health check.",
            ),
            Code(
                "suffix not supported",
                R.BAD_REQUEST,
                status=422,
                message="Suffix is not supported and can be achieved by preprocessing the prompt.",
            ),
            Code(
                "batch size exceeded",
                R.BAD_REQUEST,
                status=422,
                message="Number of prompts exceeds the maximum allowed batch size of {}",
            ),
            Code("headers", R.SERVER_ERROR, status=500, message="Failed to get headers"),
            Code("no details", R.SERVER_ERROR, status=500, message="No details in generation"),
        ),
    ),
    ErrorTable(
        provider="huggingface",
        aliases=_TGI_ALIASES,
        source=f"{_TGI}/kserve.rs",
        field="error_type",
        codes=(
            Code("utf8", R.BAD_REQUEST, status=422, message="(the UTF-8 decoding error)"),
            Code(
                "length mismatch",
                R.BAD_REQUEST,
                status=422,
                message="Inputs and outputs length mismatch",
            ),
            Code(
                "Incomplete generation",
                R.SERVER_ERROR,
                status=500,
                message="Incomplete generation",
            ),
        ),
    ),
    ErrorTable(
        provider="huggingface",
        aliases=_TGI_ALIASES,
        source=f"{_TGI}/vertex.rs",
        field="error_type",
        codes=(
            Code(
                "Input validation error",
                R.BAD_REQUEST,
                status=422,
                message="Input validation error",
                note="Sent when the request has no instances.",
            ),
            Code(
                "Incomplete generation",
                R.SERVER_ERROR,
                status=500,
                message="Incomplete generation",
            ),
        ),
    ),
    # ------------------------------------------------------------------ Hugging Face: Hub
    ErrorTable(
        provider="huggingface",
        aliases=_HF_ALIASES,
        source=(
            "https://github.com/huggingface/huggingface_hub/blob/main/src/huggingface_hub/"
            "utils/_http.py"
        ),
        field="X-Error-Code / X-Error-Message header, else HTTP status",
        note=(
            "hf_raise_for_status(): the Hub's X-Error-Code and X-Error-Message headers and the "
            "statuses it refines, with the messages the client prints (errors.py gives the "
            "gated example). The Hub also answers 401 (not 404) for a missing, private or "
            "gated repo when unauthenticated; the client reads those as RepoNotFound."
        ),
        codes=(
            Code(
                "RepoNotFound",
                R.MODEL_NOT_FOUND,
                status=404,
                message=(
                    "Repository Not Found for url: {url}. Please make sure you specified the "
                    "correct `repo_id` and `repo_type`. If you are trying to access a private or "
                    "gated repo, make sure you are authenticated and your token has the required "
                    "permissions."
                ),
                note="Also sent with 401 for private/gated repos when no valid token is sent.",
            ),
            Code(
                "GatedRepo",
                R.PERMISSION_DENIED,
                status=403,
                message=(
                    "Cannot access gated repo for url {url}. Access to model {repo_id} is "
                    "restricted and you are not in the authorized list. Visit "
                    "https://huggingface.co/{repo_id} to ask for access."
                ),
                note="Gated model terms not accepted or access not granted to this account.",
            ),
            Code(
                "RevisionNotFound",
                R.MODEL_NOT_FOUND,
                status=404,
                message="Revision Not Found for url: {url}.",
            ),
            Code(
                "EntryNotFound",
                R.MODEL_NOT_FOUND,
                status=404,
                message="Entry Not Found for url: {url}.",
                note="A file of the repo is missing; the model as asked for does not exist.",
            ),
            Code(
                "Access to this resource is disabled.",
                R.MODEL_NOT_FOUND,
                status=403,
                message=(
                    "Cannot access repository for url {url}. Access to this resource is disabled."
                ),
                note=(
                    "X-Error-Message (DisabledRepoError): the repo was disabled by its author, "
                    "so it is not served; no key or payment fixes it."
                ),
            ),
            Code(
                "Invalid credentials in Authorization header",
                R.INVALID_KEY,
                status=401,
                message="Invalid credentials in Authorization header",
                note="X-Error-Message the client singles out as a bad token.",
            ),
            Code(
                "403",
                R.PERMISSION_DENIED,
                status=403,
                message=(
                    "403 Forbidden: {X-Error-Message}. Cannot access content at: {url}. Make "
                    "sure your token has the correct permissions."
                ),
                by=By.WORDING,
            ),
            Code(
                "429",
                R.RATE_LIMITED,
                status=429,
                message=(
                    "429 Too Many Requests: you have reached your '{resource_type}' rate limit. "
                    "Retry after {n} seconds ({remaining}/{limit} requests remaining in current "
                    "{window}s window)."
                ),
                by=By.WINDOW,
            ),
            Code("400", R.BAD_REQUEST, status=400, message="Bad request:", by=By.WORDING),
        ),
    ),
    ErrorTable(
        provider="huggingface",
        aliases=_HF_ALIASES,
        source="https://huggingface.co/docs/inference-providers/en/pricing",
        field="HTTP status",
        note=(
            "The page documents the monthly included credits (free tier, PRO, Team/Enterprise) "
            "and pay-as-you-go, not the response body. The 402 and its text are as the router "
            "returns them, quoted in public reports; later wordings end with 'Subscribe to PRO "
            "to get 20x more monthly allowance.' or the pay-as-you-go sentence."
        ),
        codes=(
            Code(
                "402",
                R.QUOTA_EXHAUSTED,
                status=402,
                message="You have exceeded your monthly included credits for Inference Providers.",
            ),
        ),
    ),
    # ------------------------------------------------------------------ Ollama
    ErrorTable(
        provider="ollama",
        source="https://docs.ollama.com/api/errors",
        field="HTTP status",
        note="Transcribed from docs/api/errors.mdx in ollama/ollama (the page's source).",
        codes=(
            Code(
                "400",
                R.BAD_REQUEST,
                status=400,
                message="Bad Request (missing parameters, invalid JSON, etc.)",
                by=By.WORDING,
            ),
            Code(
                "404",
                R.MODEL_NOT_FOUND,
                status=404,
                message="Not Found (model doesn't exist, etc.)",
                by=By.WORDING,
            ),
            Code(
                "429",
                R.RATE_LIMITED,
                status=429,
                message="Too Many Requests (e.g. when a rate limit is exceeded)",
                by=By.WINDOW,
            ),
            Code(
                "500",
                R.SERVER_ERROR,
                status=500,
                message="Internal Server Error",
                by=By.WORDING,
            ),
            Code(
                "502",
                R.SERVER_ERROR,
                status=502,
                message="Bad Gateway (e.g. when a cloud model cannot be reached)",
                by=By.WORDING,
            ),
        ),
    ),
    ErrorTable(
        provider="ollama",
        source="https://docs.ollama.com/api/errors",
        field="error",
        note="The two error messages the page shows (a response error and a mid-stream error).",
        codes=(
            Code(
                "the model failed to generate a response",
                R.SERVER_ERROR,
                message="the model failed to generate a response",
            ),
            Code(
                "an error was encountered while running the model",
                R.SERVER_ERROR,
                message="an error was encountered while running the model",
                by=By.WORDING,
                note="Sent mid-stream; the runner's own text follows ': ' (see the runner table).",
            ),
        ),
    ),
    ErrorTable(
        provider="ollama",
        source=f"{_OLLAMA}/server/routes.go",
        field="error",
        note=(
            'The {"error": ...} texts server/routes.go returns on the generate, chat, embed and '
            "show routes (handleScheduleError included; ErrMaxQueue's text is defined in "
            "server/sched.go). Account sign-out and model-management (create/copy/blob) texts "
            "are left out. Go wording that surfaces through Ollama ('context canceled', "
            "'unexpected EOF', 'no such host') is the Go runtime's, for the transport tables."
        ),
        codes=(
            Code(
                'model "{name}" not found, try pulling it first',
                R.MODEL_NOT_FOUND,
                status=404,
            ),
            Code("model '{name}' not found", R.MODEL_NOT_FOUND, status=404),
            Code(
                "server busy, please try again.  maximum pending requests exceeded",
                R.OVERLOADED,
                status=503,
                note="OLLAMA_MAX_QUEUE is full: the server's capacity, not the caller's limit.",
            ),
            Code(
                "request canceled",
                R.TIMEOUT,
                status=499,
                note=(
                    "context.Canceled while scheduling: the client went away, usually its own "
                    "deadline; network is arguable."
                ),
            ),
            Code(
                "does not support",
                R.BAD_REQUEST,
                status=400,
                message=(
                    '"{model}" does not support chat / generate / thinking / tools / '
                    "embeddings / insert (errCapabilities)"
                ),
                note="The model exists but lacks the capability the request uses.",
            ),
            Code("model is required", R.BAD_REQUEST, status=400),
            Code("missing request body", R.BAD_REQUEST, status=400),
            Code("top_logprobs must be between 0 and 20", R.BAD_REQUEST, status=400),
            Code("invalid input type", R.BAD_REQUEST, status=400),
            Code(
                "this model only supports one image while more than one image requested",
                R.BAD_REQUEST,
                status=400,
            ),
            Code(
                "raw mode does not support template, system, or context",
                R.BAD_REQUEST,
                status=400,
            ),
            Code(
                "image generation models are not currently supported",
                R.BAD_REQUEST,
                status=400,
            ),
            Code(
                "this server cannot run this remote model",
                R.MODEL_NOT_FOUND,
                status=400,
                note="The model's remote host is not among this server's allowed remotes.",
            ),
            Code(
                "unauthorized",
                R.INVALID_KEY,
                status=401,
                note="Cloud model without a signed-in key; the body carries a signin_url.",
            ),
            Code("you are not currently signed in", R.INVALID_KEY, status=401),
            Code(
                "account unavailable",
                R.SERVER_ERROR,
                status=503,
                note="The code's comment: account or plan verification temporarily unavailable.",
            ),
            Code(
                "ollama cloud is disabled: remote model is unavailable",
                R.PERMISSION_DENIED,
                status=403,
                note="Cloud use is turned off in this server's configuration (OLLAMA_NO_CLOUD).",
            ),
            Code(
                "ollama cloud is disabled: remote model details are unavailable",
                R.PERMISSION_DENIED,
                status=403,
            ),
            Code("error getting authorization details", R.SERVER_ERROR, status=500),
            Code("the input length exceeds the context length", R.CONTEXT_LENGTH, status=400),
            Code(
                "input exceeds maximum context length and cannot be truncated further",
                R.CONTEXT_LENGTH,
            ),
            Code("input after truncation exceeds maximum context length", R.CONTEXT_LENGTH),
        ),
    ),
    ErrorTable(
        provider="ollama",
        source=f"{_OLLAMA}/openai/openai.go",
        field="error.type",
        note="NewError() on the OpenAI-compatible /v1 endpoints.",
        codes=(
            Code("invalid_request_error", R.BAD_REQUEST, status=400, by=By.WORDING),
            Code("not_found_error", R.MODEL_NOT_FOUND, status=404, by=By.WORDING),
            Code(
                "api_error",
                R.SERVER_ERROR,
                message="any other status",
                by=By.WORDING,
                note="Carries 401, 403, 429, 5xx alike: the status and wording decide.",
            ),
        ),
    ),
    ErrorTable(
        provider="ollama",
        source=f"{_OLLAMA}/llm/llama_server.go",
        field="error",
        note="The runner (llama-server) errors that reach a request on current Ollama.",
        codes=(
            Code(
                "the prompt is longer than the context length currently available to the model",
                R.CONTEXT_LENGTH,
                status=400,
                message=(
                    "the prompt is longer than the context length currently available to the "
                    "model; shorten the prompt, adjust the context length in settings, or use a "
                    "model with a longer context length"
                ),
            ),
            Code(
                "model runner has unexpectedly stopped",
                R.SERVER_ERROR,
                message=(
                    "model runner has unexpectedly stopped, this may be due to resource "
                    "limitations or an internal error, check ollama server logs for details"
                ),
            ),
            Code(
                "an error was encountered while running the model: {msg}",
                R.SERVER_ERROR,
                by=By.WORDING,
            ),
            Code("llama-server process has terminated", R.SERVER_ERROR),
            Code("llama-server process no longer running", R.SERVER_ERROR),
            Code(
                "timed out waiting for llama-server to start",
                R.TIMEOUT,
                note="The model load passed its deadline (OLLAMA_LOAD_TIMEOUT).",
            ),
            Code(
                "llama-server reported out-of-memory during startup",
                R.SERVER_ERROR,
                note="The host lacks memory for the model; the operator's remedy, not the key's.",
            ),
            Code("no slots available after {n} retries", R.OVERLOADED),
            Code("server not responding", R.SERVER_ERROR),
            Code("connection refused", R.NETWORK, note="The runner's port refused Ollama."),
            Code(
                'invalid format: {format}; expected "json" or a valid JSON Schema object',
                R.BAD_REQUEST,
            ),
            Code("llama-server chat error: {err}", R.SERVER_ERROR, by=By.WORDING),
            Code("llama-server template error: {err}", R.BAD_REQUEST, by=By.WORDING),
            Code("llama-server apply-template error: {err}", R.BAD_REQUEST, by=By.WORDING),
            Code("llama-server {label} stream event exceeded {n} MB limit", R.SERVER_ERROR),
        ),
    ),
    ErrorTable(
        provider="ollama",
        source=(
            "https://github.com/ollama/ollama/blob/f63eea3d273816ffc27fbeb0662ab44d236abc45/"
            "llm/server.go"
        ),
        field="error",
        note=(
            "The earlier runner's errors (llm/server.go before commit 9db4bdbad, 2026-05-29, "
            "which removed them); Ollama releases up to then still return them."
        ),
        codes=(
            Code(
                "model requires more system memory ({required}) than is available ({available})",
                R.SERVER_ERROR,
                note=(
                    "The host's memory: the operator frees memory or picks a smaller model; "
                    "overloaded is arguable, but it does not clear by itself."
                ),
            ),
            Code(
                "model requires more system memory than is currently available",
                R.SERVER_ERROR,
                message=(
                    "model requires more system memory than is currently available unable to "
                    "load full model on GPU"
                ),
                note="Wraps ErrLoadRequiredFull, hence the run-on text.",
            ),
            Code("unable to load full model on GPU", R.SERVER_ERROR),
            Code("failed to allocate memory for model", R.SERVER_ERROR),
            Code("failed to commit memory for model", R.SERVER_ERROR),
            Code("memory layout cannot be allocated", R.SERVER_ERROR),
            Code(
                "model failed to load",
                R.SERVER_ERROR,
                message=(
                    "model failed to load, this may be due to resource limitations or an "
                    "internal error, check ollama server logs for details"
                ),
            ),
            Code("llama runner process has terminated", R.SERVER_ERROR),
            Code("llama runner process no longer running", R.SERVER_ERROR),
            Code("timed out waiting for llama runner to start", R.TIMEOUT),
            Code("no slots available after {n} retries", R.OVERLOADED),
            Code(
                "model runner has unexpectedly stopped",
                R.SERVER_ERROR,
                message=(
                    "model runner has unexpectedly stopped, this may be due to resource "
                    "limitations or an internal error, check ollama server logs for details"
                ),
            ),
            Code(
                "an error was encountered while running the model: {msg}",
                R.SERVER_ERROR,
                by=By.WORDING,
            ),
            Code("split vision models aren't supported", R.BAD_REQUEST),
            Code(
                'invalid format: {format}; expected "json" or a valid JSON Schema object',
                R.BAD_REQUEST,
            ),
            Code("invalid JSON schema in format", R.BAD_REQUEST),
        ),
    ),
    # ------------------------------------------------------------------ vLLM
    ErrorTable(
        provider="vllm",
        source=f"{_VLLM}/entrypoints/utils.py",
        field="error.type",
        note=(
            'create_error_response(): {"error": {"message", "type", "param", "code"}} '
            "with code = the HTTP status. An exception's class picks the type: "
            "VLLMValidationError, ValueError, TypeError, OverflowError and jinja2 TemplateError "
            "-> BadRequestError; VLLMNotFoundError -> NotFoundError; anything else (engine "
            "errors included) -> InternalServerError."
        ),
        codes=(
            Code("BadRequestError", R.BAD_REQUEST, status=400, by=By.WORDING),
            Code(
                "NotFoundError",
                R.MODEL_NOT_FOUND,
                status=404,
                by=By.WORDING,
                note="Mostly 'The model `x` does not exist.'; also other missing resources.",
            ),
            Code("NotImplementedError", R.BAD_REQUEST, status=501),
            Code("InternalServerError", R.SERVER_ERROR, status=500, by=By.WORDING),
        ),
    ),
    ErrorTable(
        provider="vllm",
        source=f"{_VLLM}/entrypoints/utils.py",
        field="error.message",
        codes=(
            Code(
                "Input length ({input_length}) exceeds model's maximum context length "
                "({max_model_len}).",
                R.CONTEXT_LENGTH,
                status=400,
                note="get_max_tokens(); a ValueError, so type BadRequestError.",
            ),
        ),
    ),
    ErrorTable(
        provider="vllm",
        source=f"{_VLLM}/entrypoints/openai/server_utils.py",
        field="error / error.type",
        note=(
            "The server's middleware and exception handlers. HTTPExceptions get the status's "
            "phrase as type (e.g. 'Not Found'); engine errors go through create_error_response."
        ),
        codes=(
            Code(
                "Unauthorized",
                R.INVALID_KEY,
                status=401,
                message='{"error": "Unauthorized"}',
                note="--api-key set and the Bearer token on /v1 is missing or wrong.",
            ),
            Code(
                "Bad Request",
                R.BAD_REQUEST,
                status=400,
                message="(the request's schema validation errors)",
                by=By.WORDING,
            ),
        ),
    ),
    ErrorTable(
        provider="vllm",
        source=f"{_VLLM}/entrypoints/openai/engine/serving.py",
        field="error.message",
        codes=(
            Code(
                "The model `{model}` does not exist.",
                R.MODEL_NOT_FOUND,
                status=404,
                message="type NotFoundError, param 'model'",
            ),
            Code(
                "This model's maximum context length is {max_model_len} tokens. However, your "
                "request has {token_num} input tokens. Please reduce the length of the input "
                "messages.",
                R.CONTEXT_LENGTH,
                status=400,
            ),
            Code(
                "This model's maximum context length is {max_model_len} tokens. However, you "
                "requested {token_num} tokens in the input for {operation}. Please reduce the "
                "length of the input.",
                R.CONTEXT_LENGTH,
                status=400,
            ),
            Code(
                "'max_tokens' or 'max_completion_tokens' is too large: {max_tokens}. This "
                "model's maximum context length is {max_model_len} tokens and your request has "
                "{token_num} input tokens ({max_tokens} > {max_model_len} - {token_num}).",
                R.CONTEXT_LENGTH,
                status=400,
                note=(
                    "Input plus requested output over the window, as OpenAI's "
                    "context_length_exceeded; bad_request is arguable since lowering "
                    "max_tokens alone fixes it."
                ),
            ),
            Code(
                "Internal server error",
                R.SERVER_ERROR,
                status=500,
                message="GenerationError: a finish_reason of 'error' (type InternalServerError)",
            ),
            Code(
                "truncate_prompt_tokens value is greater than max_model_len. Please, select a "
                "smaller truncation size.",
                R.BAD_REQUEST,
                status=400,
            ),
            Code(
                "Chat template is passed with request, but --trust-request-chat-template is "
                "not set. Refused request with untrusted chat template.",
                R.BAD_REQUEST,
                status=400,
            ),
        ),
    ),
    ErrorTable(
        provider="vllm",
        source=f"{_VLLM}/v1/engine/exceptions.py",
        field="exception (error.message)",
        note=(
            "EngineDeadError and EngineGenerateError are answered 500 (InternalServerError) by "
            "the server's engine_error_handler. The four queue/tier errors are in the stored copy "
            "of this file (commit 03e79b36) but could not be confirmed on main."
        ),
        codes=(
            Code(
                "EngineDeadError",
                R.SERVER_ERROR,
                status=500,
                message=(
                    "EngineCore encountered an issue. See stack trace (above) for the root cause."
                ),
                note="The engine core died; the server shuts down unless told to keep alive.",
            ),
            Code("EngineGenerateError", R.SERVER_ERROR, status=500, by=By.WORDING),
            Code("QueueOverflowError", R.OVERLOADED, status=503, message="Request queue full."),
            Code(
                "MaxPendingTokensError",
                R.OVERLOADED,
                status=503,
                message="Request queue reached max pending tokens limit.",
            ),
            Code(
                "MaxTierPendingTokensError",
                R.RATE_LIMITED,
                status=429,
                message="Request queue reached max pending tokens for tier.",
            ),
            Code(
                "TooManyRequestsError",
                R.RATE_LIMITED,
                status=429,
                message="Rate limit reached for given tier.",
                by=By.WINDOW,
            ),
        ),
    ),
    ErrorTable(
        provider="vllm",
        source=(
            "https://github.com/vllm-project/vllm/blob/9700a6aaf3c7d2e5bd7b16b19962093ed87fda9c/"
            "vllm/engine/async_llm_engine.py"
        ),
        field="exception (error.message)",
        note=(
            "The V0 engine, since removed (the commit is the stored version read). Raised when "
            "the background loop dies; the request gets a 500. Earlier releases said 'Github'."
        ),
        codes=(
            Code(
                "AsyncEngineDeadError",
                R.SERVER_ERROR,
                status=500,
                message=(
                    "Task finished unexpectedly. This should never happen! Please open an issue "
                    "on GitHub. See stack trace above for the actual cause."
                ),
            ),
        ),
    ),
    # ------------------------------------------------------------------ llama.cpp server
    ErrorTable(
        provider="llamacpp",
        aliases=_LLAMACPP_ALIASES,
        source=f"{_LLAMACPP}/server-common.cpp",
        field="error.type",
        note=(
            'format_error_response(): {"error": {"code", "message", "type"}} for every '
            "error_type enum value (ERROR_TYPE_*). Earlier releases had it in server.cpp / "
            "examples/server/utils.hpp with the same strings."
        ),
        codes=(
            Code("invalid_request_error", R.BAD_REQUEST, status=400, by=By.WORDING),
            Code("authentication_error", R.INVALID_KEY, status=401),
            Code("not_found_error", R.MODEL_NOT_FOUND, status=404, by=By.WORDING),
            Code("permission_error", R.PERMISSION_DENIED, status=403),
            Code(
                "unavailable_error",
                R.OVERLOADED,
                status=503,
                note="Sent as 'Loading model' while the model loads: clears by itself.",
            ),
            Code("not_supported_error", R.BAD_REQUEST, status=501),
            Code("exceed_context_size_error", R.CONTEXT_LENGTH, status=400),
            Code("server_error", R.SERVER_ERROR, status=500, by=By.WORDING),
        ),
    ),
    ErrorTable(
        provider="llamacpp",
        aliases=_LLAMACPP_ALIASES,
        source=f"{_LLAMACPP}/server-http.cpp",
        field="error.message",
        note=(
            "The HTTP layer: the server-state and API-key middlewares, the 404 handler and the "
            "fail-safe exception handler. Earlier releases had the middlewares in server.cpp "
            "with the same texts."
        ),
        codes=(
            Code("Invalid API Key", R.INVALID_KEY, status=401, message="authentication_error"),
            Code(
                "Loading model",
                R.OVERLOADED,
                status=503,
                message="unavailable_error",
                note="The model is still loading; model_not_found would wrongly take it away.",
            ),
            Code(
                "File Not Found",
                R.BAD_REQUEST,
                status=404,
                message="not_found_error",
                note="No route at that path: a wrong URL, not a missing model.",
            ),
            Code(
                "Unknown Exception",
                R.SERVER_ERROR,
                status=500,
                message="text/plain body; otherwise the exception's own text",
            ),
        ),
    ),
    ErrorTable(
        provider="llamacpp",
        aliases=_LLAMACPP_ALIASES,
        source=f"{_LLAMACPP}/server-context.cpp",
        field="error.message",
        note=(
            "The context overflows (send_error with ERROR_TYPE_EXCEED_CONTEXT_SIZE); the first "
            "one's body also carries n_prompt_tokens and n_ctx. Older releases' server.cpp said "
            "'the request exceeds the available context size, try increasing it'."
        ),
        codes=(
            Code(
                "request ({n_prompt_tokens} tokens) exceeds the available context size ({n_ctx} "
                "tokens), try increasing it",
                R.CONTEXT_LENGTH,
                status=400,
                message="exceed_context_size_error",
            ),
            Code(
                "input ({n_tokens} tokens) is larger than the max context size ({n_ctx} tokens)",
                R.CONTEXT_LENGTH,
                message="a task that cannot be split (embeddings without LAST pooling)",
            ),
            Code(
                "input ({n_tokens} tokens) is too large to process. increase the physical batch "
                "size",
                R.CONTEXT_LENGTH,
                message="a task that cannot be split, over n_ubatch",
                note="A per-request input cap set by the server (its -ub), not the window.",
            ),
        ),
    ),
    # ------------------------------------------------------------------ LM Studio
    # LM Studio's server is closed source and its docs (lmstudio.ai/docs) publish no error
    # table; looked in the docs, pages, issues and code corpora. The tables below transcribe the
    # responses that public issue threads quote verbatim, each with its thread's URL.
    ErrorTable(
        provider="lmstudio",
        aliases=_LMSTUDIO_ALIASES,
        source="https://github.com/lmstudio-ai/lmstudio-bug-tracker/issues/618",
        field="error",
        note="LM Studio's bug tracker; the response came with HTTP 200 (the issue's complaint).",
        codes=(
            Code(
                "Unexpected endpoint or method.",
                R.BAD_REQUEST,
                status=200,
                message='{"error":"Unexpected endpoint or method. (POST /chat/completions)"}',
                note="A wrong path (here /chat/completions without /v1).",
            ),
        ),
    ),
    ErrorTable(
        provider="lmstudio",
        aliases=_LMSTUDIO_ALIASES,
        source="https://github.com/canopyai/Orpheus-TTS/issues/229",
        field="error.message",
        note="A user's report quoting LM Studio's /v1 answer (a third party's issue thread).",
        codes=(
            Code(
                "No models loaded.",
                R.MODEL_NOT_FOUND,
                status=404,
                message=(
                    "No models loaded. Please load a model in the developer page or use the "
                    "`lms load` command. (type invalid_request_error, param model, code "
                    "model_not_found)"
                ),
                note="Local server with no model loaded.",
            ),
        ),
    ),
    ErrorTable(
        provider="lmstudio",
        aliases=_LMSTUDIO_ALIASES,
        source="https://github.com/lmstudio-ai/lmstudio-bug-tracker/issues/1492",
        field="error",
        note=(
            "From LM Studio's own log in its bug tracker (an RPC handler's error), not an HTTP "
            "body seen in the thread."
        ),
        codes=(
            Code(
                "Model is unloaded.",
                R.MODEL_NOT_FOUND,
                message="Error: Model is unloaded.",
                note="The model was unloaded (e.g. idle TTL) while requests still used it.",
            ),
        ),
    ),
)
