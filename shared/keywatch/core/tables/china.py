# ruff: noqa: RUF001 - the providers' messages are verbatim Chinese, full-width punctuation included
"""Error tables of the Chinese LLM providers, transcribed from their published error-code pages.

Alibaba DashScope / Model Studio (百炼), Zhipu BigModel (its HTTP-status table and its business
codes), Moonshot / Kimi, Baidu Qianfan (the v1 WENXINWORKSHOP numeric codes and the v2
OpenAI-compatible codes), Volcengine Ark, MiniMax, iFlytek Spark (and its MaaS API), Tencent
Hunyuan (its SDK's error codes and the Tencent Cloud API 3.0 common errors) and SiliconFlow (its
error-code page and its API reference's responses): one ErrorTable per page, messages verbatim
(Chinese stays Chinese). Some pages could only be read in part, which each table's `note` says;
what could not be found is listed in the comment at the end.
"""

from __future__ import annotations

from keywatch.core.reasons import Reason as R
from keywatch.core.tables._types import By, Code, ErrorTable

W = By.WINDOW
WD = By.WORDING

# --- Alibaba DashScope / Model Studio (百炼) -----------------------------------------------------
# The page lists one heading per "status-code" pair, several codes joined by "/" where the native
# DashScope code and the OpenAI-compatible one differ (InvalidApiKey/invalid_api_key): each is an
# entry of its own. Read from a markdown copy of the whole page (retrieved 2026-12-06).
DASHSCOPE = ErrorTable(
    provider="dashscope",
    aliases=("qwen", "bailian", "aliyun", "alibaba", "modelstudio", "model-studio", "tongyi"),
    source="https://help.aliyun.com/zh/model-studio/error-code",
    field="error.code (OpenAI-compatible) / code (DashScope native)",
    note=(
        "The page's 'Coding Plan' section documents messages with no code of their own: 'hour/"
        "week/month allocated quota exceeded' (quota_exhausted), 'concurrency allocated quota "
        "exceeded' (rate_limited), 'usage allocated quota exceeded. please try again later.' "
        "(recovers in about an hour: quota_exhausted by the window). Its 'SDK 报错' section lists "
        "client exceptions (No api key provided, api_key client option must be set) without codes."
    ),
    codes=(
        Code(
            "InvalidParameter",
            R.BAD_REQUEST,
            400,
            "Required parameter(xxx) missing or invalid, please check the request parameters.",
            WD,
            "Generic: the page lists dozens of messages under it, among them 'Range of input "
            "length should be [1, xxx]' (context_length), 'Model not exist.' (model_not_found), "
            "'Range of max_tokens should be [1, xxx]' (bad_request).",
        ),
        Code(
            "invalid_request_error", R.BAD_REQUEST, 400, "you must provide a model parameter.", WD
        ),
        Code(
            "invalid_value",
            R.BAD_REQUEST,
            400,
            "The requested voice 'xxx' is not supported. / "
            "-1 is lesser than the minimum of 0 - 'seed'",
        ),
        Code(
            "InvalidParameter.NotSupportEnableThinking",
            R.BAD_REQUEST,
            400,
            "The model xxx does not support enable_thinking.",
        ),
        Code(
            "Arrearage",
            R.QUOTA_EXHAUSTED,
            400,
            "Access denied, please make sure your account is in good standing.",
            note="API Key 所属的阿里云账号存在欠费: unpaid billing, so money is the remedy.",
        ),
        Code(
            "DataInspectionFailed",
            R.CONTENT_FILTER,
            400,
            "Input or output data may contain inappropriate content.",
        ),
        Code(
            "data_inspection_failed",
            R.CONTENT_FILTER,
            400,
            "Input or output data may contain inappropriate content.",
        ),
        Code(
            "APIConnectionError",
            R.NETWORK,
            400,
            "Connection error.",
            note="原因: 本地网络问题，通常是因为开启了代理.",
        ),
        Code(
            "InvalidFile.DownloadFailed", R.BAD_REQUEST, 400, "The audio file cannot be downloaded."
        ),
        Code(
            "InvalidFile.AudioLengthError",
            R.BAD_REQUEST,
            400,
            "Audio length must be between 1s and 300s.",
        ),
        Code(
            "InvalidFile.NoHuman",
            R.BAD_REQUEST,
            400,
            "The input image has no human body. Please upload other image with single person.",
        ),
        Code(
            "InvalidFile.BodyProportion",
            R.BAD_REQUEST,
            400,
            "The proportion of the detected "
            "person in the picture is too large or too small, please upload other image.",
        ),
        Code(
            "InvalidFile.FacePose",
            R.BAD_REQUEST,
            400,
            "The pose of the detected face is "
            "invalid, please upload other image with whole face and expected orientation.",
        ),
        Code("InvalidFile.Resolution", R.BAD_REQUEST, 400, "The image resolution is invalid, ..."),
        Code(
            "InvalidFile.FPS",
            R.BAD_REQUEST,
            400,
            "Invalid video FPS. The video FPS must be 15 ~ 60.",
        ),
        Code(
            "InvalidFile.Value",
            R.BAD_REQUEST,
            400,
            "The value of the image is invalid, please upload other clearer image.",
        ),
        Code(
            "InvalidFile.FrontBody",
            R.BAD_REQUEST,
            400,
            "The pose of the detected person is "
            "invalid, please upload other image with the front view.",
        ),
        Code(
            "InvalidFile.FullFace",
            R.BAD_REQUEST,
            400,
            "The pose of the detected face is invalid, please upload other image with whole face.",
        ),
        Code(
            "InvalidFile.FaceNotMatch",
            R.BAD_REQUEST,
            400,
            "There are no matched face in the video with the provided reference image.",
        ),
        Code(
            "InvalidFile.Content",
            R.BAD_REQUEST,
            400,
            "The first frame of input video has no human body. Please choose another clip.",
        ),
        Code(
            "InvalidFile.FullBody",
            R.BAD_REQUEST,
            400,
            "The human is not fullbody in the first "
            "frame of input video. Please choose another clip.",
        ),
        Code(
            "InvalidFile.BodyPose",
            R.BAD_REQUEST,
            400,
            "The pose of the detected person is "
            "invalid, please upload other image with whole body and expected orientation.",
        ),
        Code(
            "InvalidFile.Size",
            R.BAD_REQUEST,
            400,
            "Invalid file size. The video/audio/image file size must be less than xxxMB.",
        ),
        Code(
            "InvalidFile.Duration",
            R.BAD_REQUEST,
            400,
            "Invalid file duration. The file duration must be xxx s ~ yyy s.",
        ),
        Code("InvalidFile.ImageSize", R.BAD_REQUEST, 400, "The size of image is beyond limit."),
        Code(
            "InvalidFile.AspectRatio",
            R.BAD_REQUEST,
            400,
            "Invalid file ratio. The file aspect ratio (height/width) must be between 3:1 and 1:3.",
        ),
        Code(
            "InvalidFile.Openerror",
            R.BAD_REQUEST,
            400,
            "Invalid file, cannot open file as video/audio/image.",
        ),
        Code("InvalidFile.Template.Content", R.BAD_REQUEST, 400, "Invalid template content."),
        Code(
            "InvalidFile.Format",
            R.BAD_REQUEST,
            400,
            "Invalid file format，the request file "
            "format is one of the following types: MP4, AVI, MOV, MP3, WAV, AAC, JPEG, JPG, PNG, "
            "BMP, and WEBP.",
        ),
        Code(
            "InvalidFile.MultiHuman",
            R.BAD_REQUEST,
            400,
            "The input image has multi human bodies. Please upload other image with single person.",
        ),
        Code(
            "InvalidPerson",
            R.BAD_REQUEST,
            400,
            "The input image has no human body or multi "
            "human bodies. Please upload other image with single person.",
        ),
        Code(
            "InvalidParameter.DataInspection",
            R.BAD_REQUEST,
            400,
            "Unable to download the media resource during the data inspection process.",
            note="The caller's media URL timed out (跨境网络不稳定); the fix is to host the file "
            "elsewhere, not to wait for the provider.",
        ),
        Code(
            "FlowNotPublished",
            R.BAD_REQUEST,
            400,
            "Flow has not published yet, please publish flow and try again.",
        ),
        Code("InvalidImage.ImageSize", R.BAD_REQUEST, 400, "The size of image is beyond limit."),
        Code("InvalidImage.NoHumanFace", R.BAD_REQUEST, 400, "No human face detected."),
        Code(
            "InvalidImageResolution",
            R.BAD_REQUEST,
            400,
            "The input image resolution is too large or small.",
        ),
        Code("InvalidImageFormat", R.BAD_REQUEST, 400, "The input image is in invalid format."),
        Code("InvalidURL", R.BAD_REQUEST, 400, "Invalid URL provided in your request."),
        Code(
            "InvalidImage.FileFormat",
            R.BAD_REQUEST,
            400,
            "Invalid image type. Please ensure the uploaded file is a valid image.",
        ),
        Code(
            "InvalidURL.ConnectionRefused",
            R.BAD_REQUEST,
            400,
            "Connection to xxx refused, please provide available URL.",
            note="The caller-supplied file URL refused the provider, not a transport failure of "
            "the call itself.",
        ),
        Code(
            "InvalidURL.Timeout",
            R.BAD_REQUEST,
            400,
            "Download xxx timeout, please check network connection.",
            note="Downloading the caller-supplied file URL timed out; the call itself answered.",
        ),
        Code("BadRequestException", R.BAD_REQUEST, 400, "Invalid part type."),
        Code(
            "BadRequest.EmptyInput",
            R.BAD_REQUEST,
            400,
            "Required input parameter missing from request.",
        ),
        Code(
            "BadRequest.EmptyParameters",
            R.BAD_REQUEST,
            400,
            'Required parameter "parameters" missing from request.',
        ),
        Code(
            "BadRequest.EmptyModel",
            R.BAD_REQUEST,
            400,
            'Required parameter "model" missing from request.',
        ),
        Code(
            "BadRequest.IllegalInput",
            R.BAD_REQUEST,
            400,
            "The input parameter requires json format.",
        ),
        Code(
            "BadRequest.InputDownloadFailed",
            R.BAD_REQUEST,
            400,
            "Failed to download the input file: xxx.",
        ),
        Code("BadRequest.UnsupportedFileFormat", R.BAD_REQUEST, 400, "File format unsupported."),
        Code("BadRequest.TooLarge", R.BAD_REQUEST, 400, "Payload Too Large."),
        Code("BadRequest.ResourceNotExist", R.BAD_REQUEST, 400, "The Required resource not exist."),
        Code(
            "Throttling.AllocationQuota",
            R.BAD_REQUEST,
            400,
            "您当前的配额为xxx / Free allocated "
            "quota exceeded. / Maximum voice storage limit exceeded, please delete existing "
            "voices.",
            WD,
            "At 400 this code counts stored voices or hot words (删除部分音色/热词 fixes it), not "
            "calls; the same code at 429 is the TPM limit (below).",
        ),
        Code(
            "InvalidGarment",
            R.BAD_REQUEST,
            400,
            "Missing clothing image.Please input at least one top garment or bottom garment image.",
        ),
        Code("InvalidSchema", R.BAD_REQUEST, 400, "Database schema is invalid for text2sql."),
        Code(
            "InvalidSchemaFormat",
            R.BAD_REQUEST,
            400,
            "Database schema format is invalid for text2sql.",
        ),
        Code("Audio.AudioShortError", R.BAD_REQUEST, 400, "valid audio too short!"),
        Code("Audio.AudioSilentError", R.BAD_REQUEST, 400, "silent audio error."),
        Code(
            "InvalidInputLength",
            R.BAD_REQUEST,
            400,
            "The image resolution is invalid, please "
            "make sure that the largest length of image is smaller than 4096, and the smallest "
            "length of image is larger than 150. and the size of image ranges from 5KB to 5MB.",
        ),
        Code(
            "FaqRuleBlocked",
            R.CONTENT_FILTER,
            400,
            "Input or output data is blocked by faq rule.",
            note="命中FAQ规则干预模块: an intervention rule blocked the content.",
        ),
        Code(
            "ClientDisconnect",
            R.NETWORK,
            400,
            "Client disconnected before task finished!",
            note="The connection closed before the task finished (speech services).",
        ),
        Code(
            "ServiceUnavailableError",
            R.BAD_REQUEST,
            400,
            "Role must be user or assistant and Content length must be greater than 0.",
            note="Despite its name the page documents it only for an empty content or a wrong "
            "role: a malformed request.",
        ),
        Code(
            "IPInfringementSuspect",
            R.CONTENT_FILTER,
            400,
            "Input data is suspected of being involved in IP infringement.",
        ),
        Code(
            "UnsupportedOperation",
            R.BAD_REQUEST,
            400,
            "The operation is unsupported on the referee object.",
        ),
        Code(
            "CustomRoleBlocked",
            R.CONTENT_FILTER,
            400,
            "Input or output data may contain inappropriate content with custom rule.",
        ),
        Code("Audio.PreprocessError", R.BAD_REQUEST, 400, "Audio preprocess error."),
        Code("BadRequest.VoiceNotFound", R.BAD_REQUEST, 400, "Voice '%s' not found."),
        Code("Audio.DecoderError", R.BAD_REQUEST, 400, "Decoder audio file failed."),
        Code("Audio.AudioRateError", R.BAD_REQUEST, 400, "File sample rate unsupported."),
        Code(
            "Audio.DurationLimitError",
            R.BAD_REQUEST,
            400,
            "Audio duration exceeds maximum allowed limit.",
        ),
        Code("Audio.FileSizeExceed", R.BAD_REQUEST, 430, "File too large"),
        Code(
            "InvalidApiKey",
            R.INVALID_KEY,
            401,
            "Invalid API-key provided. / Incorrect API key provided.",
        ),
        Code(
            "invalid_api_key",
            R.INVALID_KEY,
            401,
            "Invalid API-key provided. / Incorrect API key provided.",
        ),
        Code(
            "NOT AUTHORIZED",
            R.PERMISSION_DENIED,
            401,
            "Access denied: Either you are not "
            "authorized to access this workspace, or the workspace does not exist.",
            note="WorkspaceId 无效或当前账号不是该业务空间的成员, or the wrong regional endpoint: "
            "chosen as an access matter; a wrong endpoint would make it invalid_key.",
        ),
        Code(
            "invalid access token or token expired",
            R.INVALID_KEY,
            401,
            "invalid access token or token expired.",
            note="The page gives the message as the code: a Token Plan key used on another "
            "plan's base URL (a key for the wrong endpoint).",
        ),
        Code(
            "AccessDenied",
            R.PERMISSION_DENIED,
            403,
            "Access denied.",
            WD,
            "Also 'Current user api does not support asynchronous calls.' and 'current user api "
            "does not support synchronous calls.' (bad_request), 'Invalid according to Policy: "
            "Policy expired.' (an upload credential expired).",
        ),
        Code("access_denied", R.PERMISSION_DENIED, 403, "Access denied.", WD),
        Code(
            "AccessDenied.Unpurchased",
            R.PERMISSION_DENIED,
            403,
            "Access to model denied. Please make sure you are eligible for using the model.",
            note="原因: 未开通阿里云百炼服务 (the service is not activated).",
        ),
        Code("Model.AccessDenied", R.PERMISSION_DENIED, 403, "Model access denied."),
        Code("App.AccessDenied", R.PERMISSION_DENIED, 403, "App access denied."),
        Code("Workspace.AccessDenied", R.PERMISSION_DENIED, 403, "Workspace access denied."),
        Code(
            "Endpoint.AccessDenied",
            R.MODEL_NOT_FOUND,
            403,
            "Workspace endpoint access denied.",
            note="原因: 可能调用了已下线的模型 (a retired model): the remedy is another model.",
        ),
        Code(
            "AllocationQuota.FreeTierOnly",
            R.QUOTA_EXHAUSTED,
            403,
            "The free tier of the model "
            "has been exhausted. If you wish to continue access the model on a paid basis, "
            'please disable the "use free tier only" mode in the management console.',
        ),
        Code(
            "ModelNotFound",
            R.MODEL_NOT_FOUND,
            404,
            "Model can not be found. / The model xxx "
            "does not exist. / The model xxx does not exist or you do not have access to it.",
        ),
        Code(
            "model_not_found",
            R.MODEL_NOT_FOUND,
            404,
            "The model xxx does not exist or you do not have access to it.",
        ),
        Code(
            "model_not_supported",
            R.MODEL_NOT_FOUND,
            404,
            "Unsupported model xxx for OpenAI compatibility mode.",
            note="The model is not served on the OpenAI-compatible endpoint.",
        ),
        Code(
            "WorkSpaceNotFound",
            R.INVALID_KEY,
            404,
            "WorkSpace can not be found.",
            note="工作空间不存在: the workspace the key addresses does not exist (wrong tenant).",
        ),
        Code("NotFound", R.BAD_REQUEST, 404, "Not found! / Request path not found.", WD),
        Code(
            "Conflict",
            R.BAD_REQUEST,
            409,
            "Model instance xxx already exists, please specify a suffix.",
        ),
        Code(
            "Throttling",
            R.RATE_LIMITED,
            429,
            "Requests throttling triggered.",
            W,
            "Also 'Only 20 fine-tune job in running or succeeded allowed per user.'",
        ),
        Code(
            "Throttling.RateQuota",
            R.RATE_LIMITED,
            429,
            "Requests rate limit exceeded, please try again later.",
            W,
        ),
        Code("LimitRequests", R.RATE_LIMITED, 429, "You have exceeded your request limit.", W),
        Code("limit_requests", R.RATE_LIMITED, 429, "You exceeded your current requests list.", W),
        Code(
            "Throttling.BurstRate",
            R.RATE_LIMITED,
            429,
            "Request rate increased too quickly. To "
            "ensure system stability, please adjust your client logic to scale requests more "
            "smoothly over time.",
        ),
        Code("limit_burst_rate", R.RATE_LIMITED, 429, "Request rate increased too quickly."),
        Code(
            "Throttling.AllocationQuota",
            R.RATE_LIMITED,
            429,
            "Allocated quota exceeded, please increase your quota limit.",
            W,
            "原因: TPS/TPM 触发限流. The same code also carries 'Free allocated quota exceeded.' "
            "(free quota gone, no paid use: quota_exhausted) and a Batch capacity throttle.",
        ),
        Code(
            "insufficient_quota",
            R.RATE_LIMITED,
            429,
            "You exceeded your current quota, please check your plan and billing details.",
            W,
            "DashScope documents this OpenAI-compatible code for its TPS/TPM limit, not for "
            "money; the window in the wording decides.",
        ),
        Code(
            "CommodityNotPurchased",
            R.QUOTA_EXHAUSTED,
            429,
            "Commodity has not purchased yet.",
            note="业务空间未订购: a purchase is the remedy.",
        ),
        Code("PrepaidBillOverdue", R.QUOTA_EXHAUSTED, 429, "The prepaid bill is overdue."),
        Code("PostpaidBillOverdue", R.QUOTA_EXHAUSTED, 429, "The postpaid bill is overdue."),
        Code(
            "InternalError",
            R.SERVER_ERROR,
            500,
            "An internal error has occured, please try again later or contact service support.",
            WD,
        ),
        Code(
            "internal_error",
            R.SERVER_ERROR,
            500,
            "An internal error has occured, please try again later or contact service support.",
            WD,
        ),
        Code("InternalError.FileUpload", R.SERVER_ERROR, 500, "oss upload error."),
        Code("InternalError.Upload", R.SERVER_ERROR, 500, "Failed to upload result."),
        Code("InternalError.Algo", R.SERVER_ERROR, 500, "inference internal error.", WD),
        Code(
            "InternalError.Timeout",
            R.TIMEOUT,
            500,
            "An internal timeout error has occured "
            "during execution, please try again later or contact service support.",
        ),
        Code(
            "SystemError",
            R.SERVER_ERROR,
            500,
            "An system error has occured, please try again later.",
        ),
        Code("ModelServiceFailed", R.SERVER_ERROR, 500, "Failed to request model service."),
        Code("RequestTimeOut", R.TIMEOUT, 500, "Request timed out, please try again later."),
        Code("ResponseTimeout", R.TIMEOUT, 500, "Response stream timeout"),
        Code("InvokePluginFailed", R.SERVER_ERROR, 500, "Failed to invoke plugin."),
        Code("AppProcessFailed", R.SERVER_ERROR, 500, "Failed to proceed application request."),
        Code("RewriteFailed", R.SERVER_ERROR, 500, "Failed to rewrite content for prompt."),
        Code("RetrivalFailed", R.SERVER_ERROR, 500, "Failed to retrieve data from documents."),
        Code(
            "ModelServingError",
            R.OVERLOADED,
            503,
            "Too many requests. Your requests are being "
            "throttled due to system capacity limits. Please try again later.",
            note="Documented at 500/503; 原因: 网络资源目前处于饱和状态.",
        ),
        Code(
            "ModelUnavailable", R.OVERLOADED, 503, "Model is unavailable, please try again later."
        ),
        Code(
            "mismatched_model",
            R.BAD_REQUEST,
            None,
            "The model 'xxx' for this request does not "
            "match the rest of the batch. Each batch must contain requests for a single model.",
        ),
        Code(
            "duplicate_custom_id",
            R.BAD_REQUEST,
            None,
            "The custom_id 'xxx' for this request is a duplicate of another request.",
        ),
        Code(
            "BailianGateway.Workspace.NotAuthorised",
            R.PERMISSION_DENIED,
            200,
            "RAM 子账号操作没有权限的业务空间 / URL 中包含了特殊字符",
        ),
        # The page's "WebSocket 报错" section: speech-recognition task codes.
        Code("NO_INPUT_AUDIO_ERROR", R.BAD_REQUEST, None, "未检测到有效语音"),
        Code(
            "SUCCESS_WITH_NO_VALID_FRAGMENT",
            R.BAD_REQUEST,
            None,
            "识别结果查询接口调用成功，但是VAD模块未检测到有效语音",
        ),
        Code(
            "ASR_RESPONSE_HAVE_NO_WORDS",
            R.BAD_REQUEST,
            None,
            "识别结果查询接口调用成功，但是最终识别结果为空",
        ),
        Code("FILE_DOWNLOAD_FAILED", R.BAD_REQUEST, None, "待识别文件下载失败"),
        Code("FILE_CHECK_FAILED", R.BAD_REQUEST, None, "文件格式错误"),
        Code("FILE_TOO_LARGE", R.BAD_REQUEST, None, "待识别文件过大"),
        Code("FILE_NORMALIZE_FAILED", R.BAD_REQUEST, None, "待识别文件归一化失败"),
        Code("FILE_PARSE_FAILED", R.BAD_REQUEST, None, "文件解析失败"),
        Code("MKV_PARSE_FAILED", R.BAD_REQUEST, None, "MKV解析失败"),
        Code("FILE_TRANS_TASK_EXPIRED", R.BAD_REQUEST, None, "录音文件识别任务过期"),
        Code("REQUEST_INVALID_FILE_URL_VALUE", R.BAD_REQUEST, None, "请求file_link参数非法"),
        Code("CONTENT_LENGTH_CHECK_FAILED", R.BAD_REQUEST, None, "content-length检查失败"),
        Code("FILE_404_NOT_FOUND", R.BAD_REQUEST, None, "需要下载的文件不存在"),
        Code("FILE_403_FORBIDDEN", R.BAD_REQUEST, None, "没有权限下载待识别录音"),
        Code(
            "FILE_SERVER_ERROR",
            R.BAD_REQUEST,
            None,
            "请求的文件所在的服务不可用",
            note="The caller's file server, not the provider, is down.",
        ),
        Code("AUDIO_DURATION_TOO_LONG", R.BAD_REQUEST, None, "请求的文件时长超过12小时"),
        Code("DECODE_ERROR", R.BAD_REQUEST, None, "检测音频文件信息失败"),
        Code("CLIENT_ERROR", R.BAD_REQUEST, None, "[qwen-tts:]Engine return error code: 411"),
        Code("NO_VALID_AUDIO_ERROR", R.BAD_REQUEST, None, "待识别音频无效"),
    ),
)

# --- Zhipu BigModel (智谱) ------------------------------------------------------------------------
# The brief names https://docs.bigmodel.cn/cn/faq/api-code; the page read is served at
# /cn/api/api-code (business codes through 1313) and its HTTP-status table at /cn/faq.
_ZHIPU_ALIASES = ("zhipuai", "bigmodel", "glm", "chatglm", "open.bigmodel.cn")

ZHIPU_HTTP = ErrorTable(
    provider="zhipu",
    aliases=_ZHIPU_ALIASES,
    source="https://docs.bigmodel.cn/cn/faq",
    field="HTTP status",
    note="Several rows share a status (429 x5); one entry per status, its meanings joined.",
    codes=(
        Code("400", R.BAD_REQUEST, 400, "参数错误 / 文件内容异常"),
        Code("401", R.INVALID_KEY, 401, "鉴权失败或Token超时"),
        Code("404", R.BAD_REQUEST, 404, "微调功能未开放 / 微调任务不存在", WD),
        Code(
            "429",
            R.RATE_LIMITED,
            429,
            "接口请求并发超额 / 上传文件频率过快 / 账户余额已用完 / 账户异常 / 终端账号异常",
            WD,
            "The status covers concurrency, an empty balance (quota_exhausted) and a locked "
            "account (permission_denied): the business code or wording decides.",
        ),
        Code(
            "434",
            R.PERMISSION_DENIED,
            434,
            "暂无API权限，微调API及文件管理API为内测阶段，我们会尽快开放",
        ),
        Code("435", R.BAD_REQUEST, 435, "文件大小超过100MB"),
        Code("500", R.SERVER_ERROR, 500, "服务器处理请求时发生错误"),
    ),
)

ZHIPU = ErrorTable(
    provider="zhipu",
    aliases=_ZHIPU_ALIASES,
    source="https://docs.bigmodel.cn/cn/api/api-code",
    field="error.code",
    note="Codes are JSON strings ('1113'). The page gives no status per code.",
    codes=(
        Code("500", R.SERVER_ERROR, None, "内部错误"),
        Code("1000", R.INVALID_KEY, None, "身份验证失败"),
        Code("1001", R.INVALID_KEY, None, "Header 中未收到 Authentication 参数，无法进行身份验证"),
        Code(
            "1002",
            R.INVALID_KEY,
            None,
            "Authentication Token 非法，请确认 Authentication Token 正确传递",
        ),
        Code("1003", R.INVALID_KEY, None, "Authentication Token 已过期，请重新生成/获取"),
        Code("1004", R.INVALID_KEY, None, "通过 Authentication Token 的验证失败"),
        Code(
            "1100",
            R.SERVER_ERROR,
            None,
            "账户读写",
            note="A category heading the page also lists as a code; nothing says the key or the "
            "account is at fault, so it is read as the provider's failure.",
        ),
        Code("1110", R.PERMISSION_DENIED, None, "您的账户当前处于非活动状态。请检查账户信息"),
        Code("1111", R.INVALID_KEY, None, "您的账户不存在"),
        Code("1112", R.PERMISSION_DENIED, None, "您的账户已被锁定，请联系客服解锁"),
        Code(
            "1113",
            R.QUOTA_EXHAUSTED,
            None,
            "您的账户已欠费，请充值后重试",
            note="Comes at HTTP 429; arrears, so money is the remedy.",
        ),
        Code("1120", R.SERVER_ERROR, None, "无法成功访问您的账户，请稍后重试"),
        Code("1121", R.PERMISSION_DENIED, None, "账户存违规行为，账号已被锁定"),
        Code("1200", R.BAD_REQUEST, None, "API 调用错误", WD),
        Code("1210", R.BAD_REQUEST, None, "API 调用参数有误，请检查文档"),
        Code("1211", R.MODEL_NOT_FOUND, None, "模型不存在，请检查模型代码"),
        Code("1212", R.BAD_REQUEST, None, "当前模型不支持 ${method} 调用方式"),
        Code("1213", R.BAD_REQUEST, None, "未正常接收到 ${field} 参数"),
        Code("1214", R.BAD_REQUEST, None, "${field} 参数非法。请检查文档", WD),
        Code("1215", R.BAD_REQUEST, None, "${field1} 与 ${field2} 不能同时设置，请检查文档"),
        Code("1220", R.PERMISSION_DENIED, None, "您无权访问 ${API_name}"),
        Code(
            "1221",
            R.BAD_REQUEST,
            None,
            "API ${API_name} 已下线",
            note="An API (path) retired, not a model: the request must change.",
        ),
        Code("1222", R.BAD_REQUEST, None, "API ${API_name} 不存在"),
        Code("1230", R.SERVER_ERROR, None, "API 调用流程出错"),
        Code("1231", R.BAD_REQUEST, None, "您已有请求：${request_id}"),
        Code(
            "1234",
            R.SERVER_ERROR,
            None,
            "网络错误，错误id：${error_id}，请联系客服",
            note="The provider's own network error (a response was received).",
        ),
        Code("1261", R.CONTEXT_LENGTH, None, "Prompt 超长"),
        Code("1300", R.CONTENT_FILTER, None, "API 调用被策略阻止", WD),
        Code(
            "1301",
            R.CONTENT_FILTER,
            None,
            "系统检测到输入或生成内容可能包含不安全或敏感内容，"
            "请您避免输入易产生敏感内容的提示语，感谢您的配合",
        ),
        Code(
            "1302",
            R.RATE_LIMITED,
            None,
            "您当前使用该 API 的并发数过高，请降低并发，或联系客服增加限额",
        ),
        Code(
            "1303",
            R.RATE_LIMITED,
            None,
            "您当前使用该 API 的频率过高，请降低频率，或联系客服增加限额",
        ),
        Code(
            "1304",
            R.QUOTA_EXHAUSTED,
            None,
            "该 API 已达今日调用次数限额，如有更多需求，请联系客服购买",
        ),
        Code("1305", R.RATE_LIMITED, None, "该 API 已触发流量限制", W),
        Code(
            "1308",
            R.QUOTA_EXHAUSTED,
            None,
            "已达到 ${number} ${unit} 的使用上限。您的限额将在 ${next_flush_time} 重置",
            W,
            "A plan allowance (e.g. the Coding Plan's 5-hour window) with a reset time; a reset "
            "within a minute would make it rate_limited.",
        ),
        Code(
            "1309",
            R.QUOTA_EXHAUSTED,
            None,
            "您的 GLM Coding Plan 套餐已到期，暂无法使用，"
            "前往官方续订后即可恢复 https://bigmodel.cn/claude-code",
        ),
        Code(
            "1310",
            R.QUOTA_EXHAUSTED,
            None,
            "您已达到每周/每月使用上限，您的限额将在 ${next_flush_time} 重置",
        ),
        Code(
            "1311",
            R.QUOTA_EXHAUSTED,
            None,
            "当前订阅套餐暂未开放${model_name}权限",
            note="The plan does not include the model: a plan the model requires (reasons.md), "
            "though it reads like a permission; comes at 429 or 403.",
        ),
        Code(
            "1312",
            R.OVERLOADED,
            None,
            "该模型当前访问量过大，请您稍后再试，或切换其他模型如 ${model_name} 等",
        ),
        Code(
            "1313",
            R.PERMISSION_DENIED,
            None,
            "您的账户当前使用模式不符合公平使用策略，请求频率"
            "已受到限制。详情请参阅《条款与协议-订阅服务协议》，如需恢复请前往个人中心-编程套餐总览-"
            "顶部申请解除限制",
            note="An account restricted for its usage pattern until the owner appeals: barred, "
            "not a limit that clears by itself.",
        ),
    ),
)

# --- Moonshot / Kimi ---------------------------------------------------------------------------
# Rows share an error.type with different messages; one entry per documented row.
MOONSHOT = ErrorTable(
    provider="moonshot",
    aliases=("kimi", "moonshotai", "moonshot-ai"),
    source="https://platform.moonshot.cn/docs/api/chat",
    field="error.type",
    note=(
        "Transcribed from a copy of the page's error section (last updated 2026-02-09). The "
        "newer https://platform.kimi.com/docs/api/errors could be read only for its 400 and 401 "
        "rows (identical); secondary copies of it also name 499 client_closed_request and "
        "server_unavailable, which are not transcribed here because the page itself was not seen."
    ),
    codes=(
        Code(
            "content_filter",
            R.CONTENT_FILTER,
            400,
            "The request was rejected because it was considered high risk",
        ),
        Code("invalid_request_error", R.BAD_REQUEST, 400, "Invalid request: {error_details}", WD),
        Code("invalid_request_error", R.CONTEXT_LENGTH, 400, "Input token length too long", WD),
        Code(
            "invalid_request_error",
            R.CONTEXT_LENGTH,
            400,
            "Your request exceeded model token limit : {max_model_length}",
            WD,
            "Input plus max_tokens over the model's length: read as context_length, since a "
            "shorter input fixes it as well as a smaller max_tokens.",
        ),
        Code(
            "invalid_request_error",
            R.BAD_REQUEST,
            400,
            "Invalid purpose: only 'file-extract' accepted",
            WD,
        ),
        Code(
            "invalid_request_error",
            R.BAD_REQUEST,
            400,
            "File size is too large, max file size is 100MB, please confirm and re-upload the file",
            WD,
        ),
        Code(
            "invalid_request_error",
            R.BAD_REQUEST,
            400,
            "File size is zero, please confirm and re-upload the file",
            WD,
        ),
        Code(
            "invalid_request_error",
            R.BAD_REQUEST,
            400,
            "The number of files you have uploaded "
            "exceeded the max file count {max_file_count}, please delete previous uploaded "
            "files",
            WD,
        ),
        Code("invalid_authentication_error", R.INVALID_KEY, 401, "Invalid Authentication"),
        Code("incorrect_api_key_error", R.INVALID_KEY, 401, "Incorrect API key provided"),
        Code(
            "exceeded_current_quota_error",
            R.QUOTA_EXHAUSTED,
            429,
            "Your account "
            "{organization-id}<{ak-id}> is suspended, please check your plan and billing "
            "details",
            note="账户余额不足，已停用: suspended for an empty balance.",
        ),
        Code(
            "exceeded_current_quota_error",
            R.QUOTA_EXHAUSTED,
            429,
            "You exceeded your current "
            "token quota: <{organization_id}> {token_credit}, please check your account "
            "balance",
        ),
        Code(
            "permission_denied_error",
            R.PERMISSION_DENIED,
            403,
            "The API you are accessing is not open",
        ),
        Code(
            "permission_denied_error",
            R.PERMISSION_DENIED,
            403,
            "You are not allowed to get other user info",
        ),
        Code(
            "resource_not_found_error",
            R.MODEL_NOT_FOUND,
            404,
            "Not found the model {model-id} or Permission denied",
        ),
        Code(
            "engine_overloaded_error",
            R.OVERLOADED,
            429,
            "The engine is currently overloaded, please try again later",
            W,
            "说明: 当前并发请求过多，节点限流中，请稍后重试；建议充值升级 tier. "
            "Named and worded as "
            "the engine's capacity, though the advice (upgrade tier) hints at the account's "
            "concurrency; either way it clears by itself.",
        ),
        Code(
            "rate_limit_reached_error",
            R.RATE_LIMITED,
            429,
            "Your account "
            "{organization-id}<{ak-id}> request reached organization max concurrency: "
            "{Concurrency}, please try again after {time} seconds",
            W,
        ),
        Code(
            "rate_limit_reached_error",
            R.RATE_LIMITED,
            429,
            "Your account "
            "{organization-id}<{ak-id}> request reached organization max RPM: {RPM}, please try "
            "again after {time} seconds",
            W,
        ),
        Code(
            "rate_limit_reached_error",
            R.RATE_LIMITED,
            429,
            "Your account "
            "{organization-id}<{ak-id}> request reached organization TPM rate limit, "
            "current:{current_tpm}, limit:{max_tpm}",
            W,
        ),
        Code(
            "rate_limit_reached_error",
            R.QUOTA_EXHAUSTED,
            429,
            "Your account "
            "{organization-id}<{ak-id}> request reached organization TPD rate limit, "
            "current:{current_tpd}, limit:{max_tpd}",
            W,
            "Tokens per day: a daily allowance, so quota_exhausted by its window.",
        ),
        Code("server_error", R.SERVER_ERROR, 500, "Failed to extract file: {error}"),
        Code("unexpected_output", R.SERVER_ERROR, 500, "invalid state transition"),
    ),
)

# --- Baidu Qianfan (千帆 / 文心) ------------------------------------------------------------------
_QIANFAN_ALIASES = ("baidu", "ernie", "wenxin", "wenxinworkshop", "qianfan-v2", "baidubce")

QIANFAN_V1 = ErrorTable(
    provider="qianfan",
    aliases=_QIANFAN_ALIASES,
    source="https://ai.baidu.com/ai-doc/WENXINWORKSHOP/tlmyncueh",
    field="error_code",
    note=(
        "Read only in part: the page's rows from 1 to 111, and 336000/336001 from Baidu's "
        "mirrors of the same table; the rest of the 336xxx rows (336002 onwards) could not be "
        "read and are not transcribed."
    ),
    codes=(
        Code("1", R.SERVER_ERROR, None, "Unknown error"),
        Code("2", R.OVERLOADED, None, "Service temporarily unavailable"),
        Code("3", R.BAD_REQUEST, None, "Unsupported openapi method"),
        Code(
            "4",
            R.OVERLOADED,
            None,
            "Open api request limit reached",
            note="说明: 【系统内部错误】集群超限额，请再次请求: "
            "the cluster's limit, not the key's.",
        ),
        Code("6", R.PERMISSION_DENIED, None, "No permission to access data"),
        Code("13", R.INVALID_KEY, None, "Get service token failed"),
        Code("14", R.INVALID_KEY, None, "IAM Certification failed"),
        Code(
            "15",
            R.SERVER_ERROR,
            None,
            "app not exists or create failed",
            note="说明: 应用不存在或者创建失败。重试调用可解决问题 (a retry fixes it).",
        ),
        Code(
            "17",
            R.QUOTA_EXHAUSTED,
            None,
            "Open api daily request limit reached",
            note="付费接口未开通付费或账户已欠费, or a free API's daily limit.",
        ),
        Code("18", R.RATE_LIMITED, None, "Open api qps request limit reached"),
        Code("19", R.QUOTA_EXHAUSTED, None, "Open api total request limit reached"),
        Code(
            "100",
            R.INVALID_KEY,
            None,
            "Invalid parameter",
            note="说明: 【鉴权错误】无效的access_token参数.",
        ),
        Code("110", R.INVALID_KEY, None, "Access token invalid or no longer valid"),
        Code("111", R.INVALID_KEY, None, "Access token expired"),
        Code("336000", R.SERVER_ERROR, None, "Internal error"),
        Code("336001", R.BAD_REQUEST, None, "Invalid Argument"),
    ),
)

QIANFAN_V1_LIMITS = ErrorTable(
    provider="qianfan",
    aliases=_QIANFAN_ALIASES,
    source="https://cloud.baidu.com/doc/WENXINWORKSHOP/s/hlzic283e",
    field="error_code",
    note="The rate-limit page (错误缓解方案), which names the two codes the limits answer with.",
    codes=(
        Code("336501", R.RATE_LIMITED, None, "Rate limit reached for RPM"),
        Code("336502", R.RATE_LIMITED, None, "Rate limit reached for TPM"),
    ),
)

QIANFAN_V2 = ErrorTable(
    provider="qianfan",
    aliases=_QIANFAN_ALIASES,
    source="https://cloud.baidu.com/doc/qianfan-api/s/rmwbl43x7",
    field="error.code",
    note="Read only in part: the 400 rows; the 401 to 5xx rows of the page could not be read.",
    codes=(
        Code("malformed_json", R.BAD_REQUEST, 400, "Invalid Argument"),
        Code("invalid_model", R.BAD_REQUEST, 400, "model is empty"),
        Code("invalid_messages", R.BAD_REQUEST, 400, "返回的具体错误信息", WD),
        Code("characters_too_long", R.CONTEXT_LENGTH, 400, "the max input characters is xxx"),
        Code("tokens_too_long", R.CONTEXT_LENGTH, 400, "Prompt tokens too long"),
        Code("invalid_argument", R.BAD_REQUEST, 400, "返回的具体错误信息", WD),
        Code(
            "invalid_image_generation_prompt",
            R.BAD_REQUEST,
            400,
            "prompt is invalid, please check parameter",
        ),
        Code(
            "invalid_image_generation_refer_image",
            R.BAD_REQUEST,
            400,
            "refer image is invalid, please check parameter",
        ),
        Code(
            "invalid_image_url",
            R.BAD_REQUEST,
            400,
            "the image width and height are not within the allowed range",
        ),
        Code("invalid_plugin_argument", R.BAD_REQUEST, 400, "返回的具体错误信息", WD),
        Code(
            "image_url_unsafe",
            R.CONTENT_FILTER,
            400,
            "the content of image_url.url ...",
            note="Type unsafe_request; the message was cut off where the page was read.",
        ),
    ),
)

QIANFAN_V2_OLD = ErrorTable(
    provider="qianfan",
    aliases=_QIANFAN_ALIASES,
    source="https://ai.baidu.com/ai-doc/WENXINWORKSHOP/Cm2y4d5ha",
    field="error.code",
    note=(
        "The earlier v2 page (2025-03-11): only its first 401 rows beyond the 400 rows above "
        "could be read; the message of the 401 invalid_model row was cut off."
    ),
    codes=(
        Code(
            "no_parameter_permission",
            R.PERMISSION_DENIED,
            401,
            "返回的具体错误信息",
            note="Type access_denied.",
        ),
        Code(
            "invalid_model",
            R.PERMISSION_DENIED,
            401,
            "No permission to use th...",
            note="At 401 the code means the key may not use the model (at 400: model is empty).",
        ),
    ),
)

# --- Volcengine Ark (火山方舟 / 豆包) -------------------------------------------------------------
VOLCENGINE = ErrorTable(
    provider="volcengine",
    aliases=("ark", "doubao", "volces", "volcano", "volcengine-ark", "byteplus"),
    source="https://www.volcengine.com/docs/82379/1299023",
    field="error.code",
    note=(
        "Read only in part: the page's first rows, pages 460-464 of the Ark API-reference PDF "
        "export (the same table), and a repository's transcription of the official codes and "
        "messages. Statuses are given only where the page or the PDF showed them. Templated "
        "codes (MissingParameter.{parameter}, InvalidParameter.{parameter}, "
        "NotFound.{{Parameter}}) are left out. The 公共错误码 (common errors) page was not read."
    ),
    codes=(
        Code(
            "MissingParameter",
            R.BAD_REQUEST,
            400,
            "The request failed because it is missing one or multiple required parameters.",
        ),
        Code(
            "InvalidParameter",
            R.BAD_REQUEST,
            400,
            "One or more parameters specified in the request are not valid.",
            WD,
        ),
        Code(
            "InvalidEndpoint.ClosedEndpoint",
            R.MODEL_NOT_FOUND,
            400,
            "The request targeted an endpoint that is currently closed or temporarily unavailable.",
            note="推理接入点处于已被关闭或暂时不可用: the endpoint is not serving; its admin "
            "must reopen it (debatable against overloaded, which 'temporarily' suggests).",
        ),
        Code(
            "SensitiveContentDetected",
            R.CONTENT_FILTER,
            400,
            "The request failed because the input text may contain sensitive information.",
        ),
        Code(
            "SensitiveContentDetected.SevereViolation",
            R.CONTENT_FILTER,
            400,
            "The request failed because the input text may contain severe violation information.",
        ),
        Code(
            "SensitiveContentDetected.Violence",
            R.CONTENT_FILTER,
            400,
            "The request failed because the input text may contain violence information.",
        ),
        Code(
            "InputTextSensitiveContentDetected",
            R.CONTENT_FILTER,
            400,
            "The request failed because the input text may contain sensitive information.",
        ),
        Code(
            "InputImageSensitiveContentDetected",
            R.CONTENT_FILTER,
            400,
            "The request failed because the input image may contain sensitive information.",
        ),
        Code(
            "InputVideoSensitiveContentDetected",
            R.CONTENT_FILTER,
            None,
            "The request failed because the input video may contain sensitive information.",
        ),
        Code(
            "InputAudioSensitiveContentDetected",
            R.CONTENT_FILTER,
            None,
            "The request failed because the input audio may contain sensitive information.",
        ),
        Code(
            "OutputTextSensitiveContentDetected",
            R.CONTENT_FILTER,
            None,
            "The request failed because the output may contain sensitive information.",
        ),
        Code(
            "OutputImageSensitiveContentDetected",
            R.CONTENT_FILTER,
            None,
            "The request failed because the output image may contain sensitive information.",
        ),
        Code(
            "OutputVideoSensitiveContentDetected",
            R.CONTENT_FILTER,
            400,
            "The request failed because the output video may contain sensitive information.",
        ),
        Code(
            "OutputAudioSensitiveContentDetected",
            R.CONTENT_FILTER,
            None,
            "The request failed because the output audio may contain sensitive information.",
        ),
        Code(
            "InputTextSensitiveContentDetected.PolicyViolation",
            R.CONTENT_FILTER,
            None,
            "The request failed because the input text may violate platform rules.",
        ),
        Code(
            "InputImageSensitiveContentDetected.PolicyViolation",
            R.CONTENT_FILTER,
            None,
            "The request failed because the input image may violate platform rules.",
        ),
        Code(
            "InputVideoSensitiveContentDetected.PolicyViolation",
            R.CONTENT_FILTER,
            None,
            "The request failed because the input video may violate platform rules.",
        ),
        Code(
            "InputAudioSensitiveContentDetected.PolicyViolation",
            R.CONTENT_FILTER,
            None,
            "The request failed because the input audio may violate platform rules.",
        ),
        Code(
            "InputImageSensitiveContentDetected.PrivacyInformation",
            R.CONTENT_FILTER,
            None,
            "The request failed because the input image may contain real person.",
        ),
        Code(
            "InputVideoSensitiveContentDetected.PrivacyInformation",
            R.CONTENT_FILTER,
            None,
            "The request failed because the input video may contain real person.",
        ),
        Code(
            "InputTextRiskDetection",
            R.CONTENT_FILTER,
            None,
            "The request could not be "
            "processed because the input text includes sensitive content that violates "
            "ContentSecurityDetection.",
        ),
        Code(
            "InputImageRiskDetection",
            R.CONTENT_FILTER,
            None,
            "The request could not be "
            "processed because the input image includes sensitive content that violates "
            "ContentSecurityDetection.",
        ),
        Code(
            "OutputTextRiskDetection",
            R.CONTENT_FILTER,
            None,
            "The request could not be "
            "processed because the output text includes sensitive content that violates "
            "ContentSecurityDetection.",
        ),
        Code(
            "OutputImageRiskDetection",
            R.CONTENT_FILTER,
            None,
            "The request could not be "
            "processed because the output image includes sensitive content that violates "
            "ContentSecurityDetection.",
        ),
        Code(
            "ContentSecurityDetectionError",
            R.SERVER_ERROR,
            None,
            "Internal error.",
            note="火山引擎风险识别产品请求失败: the moderation service itself failed.",
        ),
        Code("InvalidArgumentError", R.BAD_REQUEST, None, "The request arguments are invalid."),
        Code(
            "InvalidArgumentError.UnknownRole",
            R.BAD_REQUEST,
            None,
            "The role of message is not supported.",
        ),
        Code(
            "InvalidArgumentError.InvalidImageDetail",
            R.BAD_REQUEST,
            None,
            "Invalid image detail value.",
        ),
        Code(
            "InvalidArgumentError.InvalidPixelLimit",
            R.BAD_REQUEST,
            None,
            "Customized image pixel limits are invalid.",
        ),
        Code("InvalidImageURL.EmptyURL", R.BAD_REQUEST, None, "Empty base64 image url."),
        Code("InvalidImageURL.InvalidFormat", R.BAD_REQUEST, None, "Invalid base64 image url."),
        Code(
            "OutofContextError",
            R.CONTEXT_LENGTH,
            400,
            "Total tokens of image and text exceed max message tokens.",
        ),
        Code(
            "InvalidSubscription",
            R.QUOTA_EXHAUSTED,
            None,
            "Your account "
            "({{account_identifier}}) does not have a valid coding plan subscription, or your "
            "subscription has expired.",
            note="Coding Plan 套餐未订阅或已过期: a plan is the remedy. The PDF row reads "
            "'400 Forbidden', so the status is left unset.",
        ),
        Code(
            "AuthenticationError",
            R.INVALID_KEY,
            401,
            "The API key or AK/SK in the request is missing or invalid.",
        ),
        Code(
            "InvalidAccountStatus",
            R.PERMISSION_DENIED,
            None,
            "There is an issue with your account status.",
        ),
        Code(
            "OperationDenied.CustomizationNotSupported",
            R.BAD_REQUEST,
            403,
            "Operation is "
            "denied because the specified version of the FoundationModel is not configured for "
            "the specified type of customization.",
        ),
        Code(
            "OperationDenied.ServiceNotOpen",
            R.PERMISSION_DENIED,
            403,
            "Operation is denied "
            "because the model service is unavailable, please go to the Volcano Ark console "
            "activation management page to activate the corresponding model service, or submit "
            "a work order to contact us.",
        ),
        Code(
            "OperationDenied.ServiceOverdue",
            R.QUOTA_EXHAUSTED,
            403,
            "Operation is denied "
            "because your account balance is overdue, please go to the Volc Trading Center to "
            "recharge in order to continue using the service.",
        ),
        Code(
            "AccountOverdueError",
            R.QUOTA_EXHAUSTED,
            403,
            "The request failed because your account has an overdue balance.",
        ),
        Code(
            "AccessDenied",
            R.PERMISSION_DENIED,
            403,
            "The request failed because you do not have access to the requested resource.",
        ),
        Code(
            "OperationDenied.InvalidState",
            R.BAD_REQUEST,
            403,
            "Operation is denied because the specified context is in invalid state: InProgress.",
        ),
        Code(
            "OperationDenied.UnsupportedPhase",
            R.BAD_REQUEST,
            403,
            "Operation is denied "
            "because operation is not supported while the target is in its current phase.",
        ),
        Code(
            "OperationDenied.FileQuotaExceeded",
            R.BAD_REQUEST,
            403,
            "Your account %s has "
            "exhausted its file storage quota. To continue using the service, please delete "
            "historical files.",
            note="A storage count that deleting files fixes, not money nor a time window.",
        ),
        Code(
            "InvalidEndpointOrModel.NotFound",
            R.MODEL_NOT_FOUND,
            404,
            "The model or endpoint %s does not exist or you do not have access to it.",
        ),
        Code(
            "ModelNotOpen",
            R.PERMISSION_DENIED,
            404,
            "Your account %s has not activated the "
            "model %s. Please activate the model service in the Ark Console.",
        ),
        Code(
            "InvalidEndpointOrModel.ModelIDAccessDisabled",
            R.PERMISSION_DENIED,
            404,
            "Accessing the model via Model ID is not allowed for your account. Please use a "
            "custom endpoint ID instead.",
        ),
        Code(
            "UnsupportedModel",
            R.MODEL_NOT_FOUND,
            404,
            "The {{model_name}} model does not support the coding plan feature.",
            note="当前模型不支持 Coding Plan: the model is not served on that plan's channel.",
        ),
        Code(
            "RateLimitExceeded.EndpointRPMExceeded",
            R.RATE_LIMITED,
            429,
            "The Requests Per "
            "Minute (RPM) limit of the associated endpoint for your account has been exceeded.",
        ),
        Code(
            "RateLimitExceeded.EndpointTPMExceeded",
            R.RATE_LIMITED,
            429,
            "The Tokens Per "
            "Minute (TPM) limit of the associated endpoint for your account has been exceeded.",
        ),
        Code(
            "ModelAccountRpmRateLimitExceeded",
            R.RATE_LIMITED,
            None,
            "RPM limit of the model is exceeded.",
        ),
        Code(
            "ModelAccountTpmRateLimitExceeded",
            R.RATE_LIMITED,
            None,
            "TPM limit of the model is exceeded.",
        ),
        Code(
            "APIAccountRpmRateLimitExceeded",
            R.RATE_LIMITED,
            None,
            "The RPM limit for the API on your account has been exceeded.",
        ),
        Code(
            "ModelAccountIpmRateLimitExceeded",
            R.RATE_LIMITED,
            None,
            "IPM limit of the model is exceeded.",
        ),
        Code(
            "QuotaExceeded",
            R.QUOTA_EXHAUSTED,
            None,
            "The request has exceeded the quota.",
            W,
            "当前账号额度已用尽或当前排队任务数超过限制: either the quota is used up or the queue "
            "is full; the wording decides.",
        ),
        Code(
            "ServerOverloaded",
            R.OVERLOADED,
            None,
            "The service is currently unable to handle "
            "additional requests due to server overload. Please retry later.",
        ),
        Code(
            "RequestBurstTooFast",
            R.RATE_LIMITED,
            None,
            "System protection triggered by "
            "request burst. Please slow down traffic growth and increase requests gradually "
            "before retrying.",
        ),
        Code(
            "SetLimitExceeded",
            R.QUOTA_EXHAUSTED,
            None,
            "Your account has reached the set "
            "inference limit for the model, and the model service has been paused.",
            note="A spend limit the owner set (安心体验模式): raising it is the remedy.",
        ),
        Code(
            "InflightBatchsizeExceeded",
            R.RATE_LIMITED,
            None,
            "The Inflight Batchsize limit has been exceeded.",
            note="已达到当前充值金额下的最大并发数限制: "
            "a concurrency limit (recharging raises it).",
        ),
        Code(
            "AccountRateLimitExceeded",
            R.RATE_LIMITED,
            None,
            "Requests are too frequent. "
            "Please reduce your request frequency, wait a short moment, and retry your request.",
        ),
        Code(
            "InternalServiceError",
            R.SERVER_ERROR,
            None,
            "The service encountered an unexpected internal error. Please retry later.",
        ),
    ),
)

# --- MiniMax ---------------------------------------------------------------------------------
MINIMAX = ErrorTable(
    provider="minimax",
    aliases=("minimaxi", "minimax-ai", "hailuo"),
    source="https://platform.minimaxi.com/docs/api-reference/errorcode",
    field="base_resp.status_code",
    note=(
        "The rows 1000 to 1033 read from the page; the rows 1039 to 2056 from a repository's "
        "verbatim copy of its errorcode.md (a comment above them says so). Rows the page may "
        "have added since are not known."
    ),
    codes=(
        Code("1000", R.SERVER_ERROR, None, "未知错误/系统默认错误"),
        Code("1001", R.TIMEOUT, None, "请求超时"),
        Code("1002", R.RATE_LIMITED, None, "请求频率超限", W),
        Code("1004", R.INVALID_KEY, None, "未授权/Token 不匹配/Cookie 缺失"),
        Code("1008", R.QUOTA_EXHAUSTED, None, "余额不足"),
        Code("1024", R.SERVER_ERROR, None, "内部错误"),
        Code("1026", R.CONTENT_FILTER, None, "输入内容涉敏"),
        Code("1027", R.CONTENT_FILTER, None, "输出内容涉敏"),
        Code("1033", R.SERVER_ERROR, None, "系统错误/下游服务错误"),
        # Rows 1039 onwards, added later: read from a verbatim copy of the page's table (a
        # repository's transcription of errorcode.md, 24 rows); first wording of each row, the
        # endpoint pages' wording after " / " where it differs.
        Code("1039", R.RATE_LIMITED, None, "Token 限制 / 触发 TPM 限流", W),
        Code(
            "1041",
            R.RATE_LIMITED,
            None,
            "连接数限制",
            W,
            "A concurrent-connection limit; the page says to contact MiniMax to raise it.",
        ),
        Code("1042", R.BAD_REQUEST, None, "不可见字符比例超限 / 非法字符超过 10%"),
        Code("1043", R.BAD_REQUEST, None, "ASR 相似度检查失败"),
        Code("1044", R.BAD_REQUEST, None, "克隆提示词相似度检查失败"),
        Code("2013", R.BAD_REQUEST, None, "参数错误 / 输入参数异常", WD),
        Code("20132", R.BAD_REQUEST, None, "语音克隆样本或 voice_id 参数错误"),
        Code("2037", R.BAD_REQUEST, None, "语音时长不符合要求（太长或太短）"),
        Code(
            "2038",
            R.PERMISSION_DENIED,
            None,
            "用户语音克隆功能被禁用 / 无复刻权限",
            note="Voice cloning not enabled for the account (needs verification).",
        ),
        Code("2039", R.BAD_REQUEST, None, "语音克隆 voice_id 重复"),
        Code(
            "2042",
            R.PERMISSION_DENIED,
            None,
            "无权访问该 voice_id",
            note="A voice created by another account.",
        ),
        Code("2045", R.RATE_LIMITED, None, "请求频率增长超限", W),
        Code("2048", R.BAD_REQUEST, None, "语音克隆提示音频太长"),
        Code("2049", R.INVALID_KEY, None, "无效的 API Key"),
        Code(
            "2056",
            R.QUOTA_EXHAUSTED,
            None,
            "超出 Token Plan 资源限制",
            W,
            "The subscription plan's allowance; a plan upgrade or its reset fixes it.",
        ),
    ),
)

# --- iFlytek Spark (讯飞星火) ------------------------------------------------------------------
# The service error-code table of the Spark API page. The stored copy of the page was read up to
# 11201; 11202 and 11203 were read from iFlytek's own SDK documentation (iFLYTEK-OP/websdk-java,
# doc/spark/sparkchat.md), whose copy of the table matches the page row for row.
SPARK = ErrorTable(
    provider="iflytek",
    aliases=("xunfei", "spark", "xfyun", "xinghuo", "sparkdesk", "iflytek-spark"),
    source="https://xfyun.cn/doc/spark/接口说明.html",
    field="header.code (WebSocket) / code (HTTP)",
    note=(
        "The page's rows up to 11201 were read from the page; 11202/11203 from iFlytek's SDK "
        "documentation, which reproduces the same table. 0 (成功) is not transcribed. The Spark "
        "HTTP API answers with the same numeric codes (its table lists 10007, 10013, 10014, 10019, "
        "10907, 11200-11203)."
    ),
    codes=(
        Code(
            "10000",
            R.BAD_REQUEST,
            None,
            "升级为ws出现错误",
            note="The WebSocket upgrade failed at the server: usually a malformed handshake (URL, "
            "signature headers); debatable against network.",
        ),
        Code(
            "10001",
            R.NETWORK,
            None,
            "通过ws读取用户的消息出错",
            note="Reading the caller's frames over the socket failed: a transport failure.",
        ),
        Code("10002", R.NETWORK, None, "通过ws向用户发送消息出错"),
        Code("10003", R.BAD_REQUEST, None, "用户的消息格式有错误"),
        Code("10004", R.BAD_REQUEST, None, "用户数据的schema错误"),
        Code("10005", R.BAD_REQUEST, None, "用户参数值有错误"),
        Code(
            "10006",
            R.RATE_LIMITED,
            None,
            "用户并发错误：当前用户已连接，同一用户不能多处同时连接。",
            note="A concurrency limit of one connection per user: clears when the other ends.",
        ),
        Code(
            "10007",
            R.RATE_LIMITED,
            None,
            "用户流量受限：服务正在处理用户当前的问题，需等待处理完成后再发送新的请求。"
            "（必须要等大模型完全回复之后，才能发送下一个问题）",
        ),
        Code("10008", R.OVERLOADED, None, "服务容量不足，联系工作人员"),
        Code("10009", R.SERVER_ERROR, None, "和引擎建立连接失败"),
        Code("10010", R.SERVER_ERROR, None, "接收引擎数据的错误"),
        Code("10011", R.SERVER_ERROR, None, "发送数据给引擎的错误"),
        Code("10012", R.SERVER_ERROR, None, "引擎内部错误"),
        Code("10013", R.CONTENT_FILTER, None, "输入内容审核不通过，涉嫌违规，请重新调整输入内容"),
        Code(
            "10014",
            R.CONTENT_FILTER,
            None,
            "输出内容涉及敏感信息，审核不通过，后续结果无法展示给用户",
        ),
        Code(
            "10015",
            R.PERMISSION_DENIED,
            None,
            "appid在黑名单中",
            note="The app is blacklisted: barred.",
        ),
        Code(
            "10016",
            R.PERMISSION_DENIED,
            None,
            "appid授权类的错误。比如：未开通此功能，未开通对应版本，token不足，并发超过授权 等等",
            WD,
            "One code for a feature or version not enabled (permission_denied), tokens used up "
            "(token不足: quota_exhausted) and concurrency over the licence (rate_limited).",
        ),
        Code("10017", R.SERVER_ERROR, None, "清除历史失败"),
        Code(
            "10019",
            R.CONTENT_FILTER,
            None,
            "表示本次会话内容有涉及违规信息的倾向；建议开发者收到此错误码后给用户一个输入涉及违规的提示",
        ),
        Code("10021", R.CONTENT_FILTER, None, "输入审核不通过"),
        Code("10110", R.OVERLOADED, None, "服务忙，请稍后再试"),
        Code("10163", R.BAD_REQUEST, None, "请求引擎的参数异常 引擎的schema 检查不通过"),
        Code(
            "10222",
            R.SERVER_ERROR,
            None,
            "引擎网络异常",
            note="The provider's engine network, behind a response that was received.",
        ),
        Code(
            "10907",
            R.CONTEXT_LENGTH,
            None,
            "token数量超过上限。对话历史+问题的字数太多，需要精简输入",
        ),
        Code(
            "11200",
            R.PERMISSION_DENIED,
            None,
            "授权错误：该appId没有相关功能的授权 或者 业务量超过限制",
            WD,
            "One code for a function not licensed to the app (permission_denied) and the "
            "purchased or free volume used up (业务量超过限制). The table names the licence "
            "first and its class is AppIdNoAuthError, so a bare 11200 (even with 'tokens.total',"
            " the licence of a model version) is permission_denied; wording that names the"
            " volume decides otherwise.",
        ),
        Code(
            "11201",
            R.QUOTA_EXHAUSTED,
            None,
            "授权错误：日流控超限。超过当日最大访问量的限制",
            W,
            "A daily allowance.",
        ),
        Code(
            "11202",
            R.RATE_LIMITED,
            None,
            "授权错误：秒级流控超限。秒级并发超过授权路数限制",
            W,
            "A per-second limit.",
        ),
        Code(
            "11203",
            R.RATE_LIMITED,
            None,
            "授权错误：并发流控超限。并发路数超过授权路数限制",
            W,
            "A concurrency limit.",
        ),
    ),
)

# The MaaS (星辰) OpenAI-compatible API as documented in iFlytek's own SDK: its WebSocket list adds
# 10018 and 10223 to the Spark table (messages differ slightly), and its HTTP list is by status.
SPARK_MAAS = ErrorTable(
    provider="iflytek",
    aliases=("xunfei", "spark", "xfyun", "xinghuo", "iflytek-maas", "xingchen"),
    source="https://github.com/iFLYTEK-OP/websdk-java/blob/main/doc/spark/maasapi.md",
    field="header.code (WebSocket) / HTTP status (OpenAI-compatible HTTP)",
    note=(
        "iFlytek's SDK documentation for the 星辰 MaaS API (OpenAI-compatible HTTP and "
        "WebSocket). Its 'ws错误码列表' repeats the Spark codes; only the rows that differ from "
        "the Spark table (10013, 10014, 10018, 10019, 10223 and the HTTP list) are transcribed "
        "here. The HTTP list has two 401 rows and two 429 rows: one entry per status, meanings "
        "joined."
    ),
    codes=(
        Code(
            "10013",
            R.CONTENT_FILTER,
            None,
            "用户问题涉及敏感信息，审核不通过，拒绝处理此次请求。",
        ),
        Code(
            "10014",
            R.CONTENT_FILTER,
            None,
            "回复结果涉及到敏感信息，审核不通过，后续结果无法展示给用户。",
        ),
        Code(
            "10018",
            R.BAD_REQUEST,
            None,
            "用户在5分钟内持续发送ping消息，但并没有实际请求数据，会返回该错误码并断开ws连接。"
            "短链接使用无需关注",
            note="An idle connection closed by the server: the client's use of the socket.",
        ),
        Code("10019", R.CONTENT_FILTER, None, "该错误码表示返回结果疑似敏感，建议拒绝用户继续交互"),
        Code(
            "10223",
            R.SERVER_ERROR,
            None,
            "LB找不到引擎节点",
            note="The provider's load balancer found no engine node; debatable against "
            "overloaded (no capacity) and model_not_found (an unknown serviceId).",
        ),
        Code(
            "401",
            R.INVALID_KEY,
            401,
            "401-无效的身份验证 / 401-提供的API密钥不正确",
        ),
        Code(
            "403",
            R.PERMISSION_DENIED,
            403,
            "403-不支持的国家、地区或领土",
        ),
        Code(
            "429",
            R.RATE_LIMITED,
            429,
            "429-请求速率限制已达上限 / 429-超出当前配额，请检查计划和计费详情",
            W,
            "One status for the rate limit (您发送请求过快) and the quota "
            "(额度已用尽或已达到每月最高消费限制): the wording decides.",
        ),
        Code("500", R.SERVER_ERROR, 500, "500-服务器处理请求时发生错误"),
        Code("503", R.OVERLOADED, 503, "503-引擎当前过载，请稍后重试"),
    ),
)

# --- Tencent Hunyuan (腾讯混元) and the Tencent Cloud API 3.0 common errors ---------------------
# Hunyuan's own codes: the SDK's errorcodes.py, generated from the product's error-code page
# (https://cloud.tencent.com/document/api/1729/101842), transcribed whole from the newest snapshot
# (commit bf297176, 2026-08-21). An older stored version also listed FailedOperation.JobNotFound,
# InvalidParameterValue.InvalidImageFormat/InvalidImageResolution/InvalidImageSize/UrlIllegal,
# RequestLimitExceeded.JobNumExceed, ResourceInsufficient and ResourceUnavailable; they are kept
# below too, marked, because backends on older API versions may still return them.
HUNYUAN = ErrorTable(
    provider="hunyuan",
    aliases=("tencent", "tencent-hunyuan", "hunyuan-lite"),
    source="https://github.com/TencentCloud/tencentcloud-sdk-python/blob/master/"
    "tencentcloud/hunyuan/v20230901/errorcodes.py",
    field="Response.Error.Code",
    note=(
        "The SDK file holds the service codes of the error-code page "
        "(https://cloud.tencent.com/document/api/1729/101842), one comment each (the message). "
        "Codes marked 'older SDK version' are in a previous version of the file only."
    ),
    codes=(
        Code("FailedOperation", R.SERVER_ERROR, None, "操作失败。", WD),
        Code("FailedOperation.ConsoleServerError", R.SERVER_ERROR, None, "控制台服务异常。"),
        Code(
            "FailedOperation.DownloadError",
            R.BAD_REQUEST,
            None,
            "LogoUrl 或 LogoImage 有误，水印图下载失败。",
        ),
        Code(
            "FailedOperation.EngineRequestTimeout",
            R.TIMEOUT,
            None,
            "引擎层请求超时；请稍后重试。",
        ),
        Code(
            "FailedOperation.EngineServerError",
            R.SERVER_ERROR,
            None,
            "引擎层内部错误；请稍后重试。",
        ),
        Code(
            "FailedOperation.EngineServerLimitExceeded",
            R.OVERLOADED,
            None,
            "引擎层请求超过限额；请稍后重试。",
            W,
            "The engine layer's own limit with 'retry later': the provider's capacity, not the "
            "account's allowance; debatable against rate_limited.",
        ),
        Code(
            "FailedOperation.FreeResourcePackExhausted",
            R.QUOTA_EXHAUSTED,
            None,
            "免费资源包余量已用尽，请购买资源包或开通后付费。",
        ),
        Code(
            "FailedOperation.GenerateImageFailed",
            R.CONTENT_FILTER,
            None,
            "图片包含敏感内容",
        ),
        Code("FailedOperation.ImageDecodeFailed", R.BAD_REQUEST, None, "水印图解码失败"),
        Code(
            "FailedOperation.ImageDownloadError",
            R.BAD_REQUEST,
            None,
            "LogoUrl 或 LogoImage 有误，水印图下载失败。",
        ),
        Code(
            "FailedOperation.JobNotFound",
            R.BAD_REQUEST,
            None,
            "任务不存在。",
            note="Older SDK version only. An unknown job id, not a model.",
        ),
        Code(
            "FailedOperation.PartnerAccountUnSupport",
            R.PERMISSION_DENIED,
            None,
            "合作伙伴账号不允许开通，请更换账号。",
        ),
        Code(
            "FailedOperation.ResourcePackExhausted",
            R.QUOTA_EXHAUSTED,
            None,
            "资源包余量已用尽，请购买资源包或开通后付费。",
        ),
        Code(
            "FailedOperation.ServiceNotActivated",
            R.PERMISSION_DENIED,
            None,
            "服务未开通，请前往控制台申请试用。",
        ),
        Code(
            "FailedOperation.ServiceStop",
            R.PERMISSION_DENIED,
            None,
            "用户主动停服。",
            note="The owner stopped the service: barred until re-enabled.",
        ),
        Code(
            "FailedOperation.ServiceStopArrears",
            R.QUOTA_EXHAUSTED,
            None,
            "欠费停服。",
            note="Stopped for arrears: unpaid billing, so money is the remedy.",
        ),
        Code(
            "FailedOperation.SetPayModeExceed",
            R.BAD_REQUEST,
            None,
            "后付费设置次数超过每月限制。",
            note="A console operation (switching to postpaid) counted per month, not a call "
            "allowance; debatable.",
        ),
        Code(
            "FailedOperation.UserUnAuthError",
            R.PERMISSION_DENIED,
            None,
            "用户未实名，请先进行实名认证。",
        ),
        Code("InternalError", R.SERVER_ERROR, None, "内部错误。"),
        Code("InvalidParameter", R.BAD_REQUEST, None, "参数错误。", WD),
        Code(
            "InvalidParameter.ImageCountLimitExceededError",
            R.BAD_REQUEST,
            None,
            "图片数量超限错误。",
        ),
        Code(
            "InvalidParameter.ImageProcessingFailureError",
            R.BAD_REQUEST,
            None,
            "图片处理失败错误。",
        ),
        Code("InvalidParameter.InvalidParameter", R.BAD_REQUEST, None, "参数不合法。", WD),
        Code("InvalidParameterValue", R.BAD_REQUEST, None, "参数取值错误。", WD),
        Code(
            "InvalidParameterValue.ImageRequestError",
            R.BAD_REQUEST,
            None,
            "图片请求错误。",
        ),
        Code(
            "InvalidParameterValue.InvalidImageFormat",
            R.BAD_REQUEST,
            None,
            "不支持的图片格式。",
            note="Older SDK version only.",
        ),
        Code(
            "InvalidParameterValue.InvalidImageResolution",
            R.BAD_REQUEST,
            None,
            "不支持的图片分辨率。",
            note="Older SDK version only.",
        ),
        Code(
            "InvalidParameterValue.InvalidImageSize",
            R.BAD_REQUEST,
            None,
            "图片大小超出限制。",
            note="Older SDK version only.",
        ),
        Code("InvalidParameterValue.Model", R.MODEL_NOT_FOUND, None, "模型不存在。"),
        Code(
            "InvalidParameterValue.ParameterValueError",
            R.BAD_REQUEST,
            None,
            "参数字段或者值有误",
            WD,
        ),
        Code(
            "InvalidParameterValue.UrlIllegal",
            R.BAD_REQUEST,
            None,
            "URL格式不合法。",
            note="Older SDK version only.",
        ),
        Code(
            "LimitExceeded",
            R.QUOTA_EXHAUSTED,
            None,
            "超过配额限制。",
            W,
            "A quota with no window stated; for Hunyuan it also answers concurrency over the "
            "account's limit, which the wording then says.",
        ),
        Code(
            "OperationDenied.ImageIllegalDetected",
            R.CONTENT_FILTER,
            None,
            "图片可能包含敏感信息，请重试",
        ),
        Code(
            "OperationDenied.TextIllegalDetected",
            R.CONTENT_FILTER,
            None,
            "文本包含违法违规信息，审核不通过。",
        ),
        Code(
            "RequestLimitExceeded.JobNumExceed",
            R.RATE_LIMITED,
            None,
            "同时处理的任务数过多，请稍后重试。",
            W,
            "Older SDK version only. A concurrency limit on running jobs.",
        ),
        Code(
            "ResourceInsufficient",
            R.OVERLOADED,
            None,
            "资源不足。",
            WD,
            "Older SDK version only. The provider's resources, unless the wording says billing.",
        ),
        Code(
            "ResourceInsufficient.ChargeResourceExhaust",
            R.QUOTA_EXHAUSTED,
            None,
            "计费资源已耗尽。",
        ),
        Code("ResourceNotFound", R.MODEL_NOT_FOUND, None, "资源不存在。", WD),
        Code(
            "ResourceUnavailable",
            R.PERMISSION_DENIED,
            None,
            "资源不可用。",
            WD,
            "Older SDK version only. Its sub-codes are all account states (arrears, stopped).",
        ),
        Code(
            "ResourceUnavailable.InArrears",
            R.QUOTA_EXHAUSTED,
            None,
            "账号已欠费。",
            note="Arrears: money is the remedy.",
        ),
        Code("ResourceUnavailable.LowBalance", R.QUOTA_EXHAUSTED, None, "余额不足。"),
        Code(
            "ResourceUnavailable.NotExist",
            R.PERMISSION_DENIED,
            None,
            "计费状态未知，请确认是否已在控制台开通服务。",
            note="The service is not (known to be) activated for the account.",
        ),
        Code(
            "ResourceUnavailable.StopUsing",
            R.PERMISSION_DENIED,
            None,
            "账号已停服。",
            note="The account's service is stopped: barred.",
        ),
    ),
)

# The common error codes every Tencent Cloud API 3.0 product may return, read from a verbatim copy
# of the page's table (the Chinese messages of /document/product/213/30435 and, for wording, the
# English page https://www.tencentcloud.com/document/product/213/33281).
TENCENT_COMMON = ErrorTable(
    provider="hunyuan",
    aliases=("tencent", "tencent-hunyuan", "hunyuan-lite", "tencentcloud"),
    source="https://cloud.tencent.com/document/product/213/30435",
    field="Response.Error.Code",
    note="The page gives no HTTP status: Tencent Cloud API 3.0 answers 200 with Response.Error.",
    codes=(
        Code("ActionOffline", R.BAD_REQUEST, None, "接口已下线。"),
        Code(
            "AuthFailure.InvalidAuthorization",
            R.INVALID_KEY,
            None,
            "请求头部的`Authorization`不符合腾讯云标准。",
        ),
        Code("AuthFailure.InvalidSecretId", R.INVALID_KEY, None, "密钥非法（不是云API密钥类型）。"),
        Code(
            "AuthFailure.MFAFailure",
            R.PERMISSION_DENIED,
            None,
            "MFA错误。",
            note="Multi-factor authentication failed: the key is recognised, the call is not "
            "allowed; debatable against invalid_key.",
        ),
        Code(
            "AuthFailure.SecretIdNotFound",
            R.INVALID_KEY,
            None,
            "密钥不存在。请在控制台检查密钥是否已被删除或者禁用，如状态正常，请检查密钥是否填写正确，"
            "注意前后不得有空格。",
        ),
        Code(
            "AuthFailure.SignatureExpire",
            R.BAD_REQUEST,
            None,
            "签名过期。Timestamp和服务器时间相差不得超过五分钟，请检查本地时间是否和标准时间同步。",
            note="The client's clock, not the key: a correct key does not fix it.",
        ),
        Code(
            "AuthFailure.SignatureFailure",
            R.INVALID_KEY,
            None,
            "签名错误。签名计算错误，请对照调用方式中的签名方法文档检查签名计算过程。",
            note="Most often a wrong SecretKey for the SecretId; a signing bug reads the same.",
        ),
        Code("AuthFailure.TokenFailure", R.INVALID_KEY, None, "token错误。"),
        Code(
            "AuthFailure.UnauthorizedOperation",
            R.PERMISSION_DENIED,
            None,
            "请求未授权。请参考CAM文档对鉴权的说明。",
        ),
        Code(
            "DryRunOperation",
            R.BAD_REQUEST,
            None,
            "DryRun操作，代表请求将会是成功的，只是多传了DryRun参数。",
        ),
        Code("FailedOperation", R.SERVER_ERROR, None, "操作失败。", WD),
        Code("InternalError", R.SERVER_ERROR, None, "内部错误。"),
        Code("InvalidAction", R.BAD_REQUEST, None, "接口不存在。"),
        Code(
            "InvalidParameter",
            R.BAD_REQUEST,
            None,
            "参数错误（包括参数格式、类型等错误）。",
            WD,
        ),
        Code("InvalidParameterValue", R.BAD_REQUEST, None, "参数取值错误。", WD),
        Code("InvalidRequest", R.BAD_REQUEST, None, "请求body的multipart格式错误。"),
        Code("IpInBlacklist", R.PERMISSION_DENIED, None, "IP地址在黑名单中。"),
        Code("IpNotInWhitelist", R.PERMISSION_DENIED, None, "IP地址不在白名单中。"),
        Code("LimitExceeded", R.QUOTA_EXHAUSTED, None, "超过配额限制。", W),
        Code("MissingParameter", R.BAD_REQUEST, None, "缺少参数。"),
        Code("NoSuchProduct", R.BAD_REQUEST, None, "产品不存在。"),
        Code("NoSuchVersion", R.BAD_REQUEST, None, "接口版本不存在。"),
        Code("RequestLimitExceeded", R.RATE_LIMITED, None, "请求的次数超过了频率限制。", W),
        Code(
            "RequestLimitExceeded.GlobalRegionUinLimitExceeded",
            R.RATE_LIMITED,
            None,
            "主账号超过频率限制。",
            W,
        ),
        Code("RequestLimitExceeded.IPLimitExceeded", R.RATE_LIMITED, None, "IP限频。", W),
        Code("RequestLimitExceeded.UinLimitExceeded", R.RATE_LIMITED, None, "主账号限频。", W),
        Code("RequestSizeLimitExceeded", R.BAD_REQUEST, None, "请求包超过限制大小。"),
        Code("ResourceInUse", R.BAD_REQUEST, None, "资源被占用。"),
        Code("ResourceInsufficient", R.OVERLOADED, None, "资源不足。", WD),
        Code("ResourceNotFound", R.MODEL_NOT_FOUND, None, "资源不存在。", WD),
        Code("ResourceUnavailable", R.PERMISSION_DENIED, None, "资源不可用。", WD),
        Code(
            "ResponseSizeLimitExceeded",
            R.BAD_REQUEST,
            None,
            "返回包超过限制大小。",
            note="Asking for less output fixes it.",
        ),
        Code("ServiceUnavailable", R.OVERLOADED, None, "当前服务暂时不可用。"),
        Code("UnauthorizedOperation", R.PERMISSION_DENIED, None, "未授权操作。"),
        Code(
            "UnknownParameter",
            R.BAD_REQUEST,
            None,
            "未知参数错误，用户多传未定义的参数会导致错误。",
        ),
        Code("UnsupportedOperation", R.BAD_REQUEST, None, "操作不支持。"),
        Code(
            "UnsupportedProtocol",
            R.BAD_REQUEST,
            None,
            "http(s)请求协议错误，只支持GET和POST请求。",
        ),
        Code(
            "UnsupportedRegion",
            R.BAD_REQUEST,
            None,
            "接口不支持所传地域。",
            note="The request names a region the API does not serve (a wrong endpoint "
            "parameter); debatable against permission_denied.",
        ),
    ),
)

# --- SiliconFlow (硅基流动) ----------------------------------------------------------------------
SILICONFLOW_HTTP = ErrorTable(
    provider="siliconflow",
    aliases=("siliconcloud", "silicon-flow", "硅基流动"),
    source="https://docs.siliconflow.cn/cn/faqs/error-code",
    field="HTTP status",
    note=(
        "The page (错误处理) documents HTTP statuses, and shows one body code in its example "
        '({"code":20012,"message":"Model does not exist. Please check it carefully."}), '
        "transcribed in the API-reference table. 504 and 503 share one row."
    ),
    codes=(
        Code(
            "400",
            R.BAD_REQUEST,
            400,
            "参数不正确，请参考报错信息（message）修正不合法的请求参数",
            WD,
        ),
        Code("401", R.INVALID_KEY, 401, "API Key 没有正确设置"),
        Code(
            "403",
            R.PERMISSION_DENIED,
            403,
            "账户余额不足或者权限不够，权限不够最常见的原因是该模型需要实名认证，"
            "其他情况参考报错信息（message）",
            WD,
            "One status for an empty balance (quota_exhausted; the body then reads 'Sorry, your "
            "account balance is insufficient') and a model that needs real-name verification "
            "(permission_denied): the wording decides.",
        ),
        Code(
            "429",
            R.RATE_LIMITED,
            429,
            "触发了 rate limits；参考报错信息（message）判断触发的是 "
            "RPM /RPD / TPM / TPD / IPM / IPD 中的具体哪一种",
            W,
            "RPM/TPM/IPM clear within a minute; RPD/TPD/IPD are daily (quota_exhausted).",
        ),
        Code(
            "503",
            R.OVERLOADED,
            503,
            "一般是服务系统负载比较高，可以稍后尝试",
        ),
        Code(
            "504",
            R.TIMEOUT,
            504,
            "一般是服务系统负载比较高，可以稍后尝试；对于对话和文本转语音请求，可以尝试使用流式输出",
            note="Shares the 503 row (high load), but a 504 is a deadline that passed and "
            "streaming is the documented workaround.",
        ),
        Code("500", R.SERVER_ERROR, 500, "服务发生了未知的错误，可以联系相关人员进行排查"),
    ),
)

# The response examples of the chat-completions API reference. Read from two independent verbatim
# copies of the page's response list (the stored copy of the page itself had no response section).
SILICONFLOW_API = ErrorTable(
    provider="siliconflow",
    aliases=("siliconcloud", "silicon-flow", "硅基流动"),
    source="https://docs.siliconflow.cn/cn/api-reference/chat-completions/chat-completions",
    field="code (JSON body), else HTTP status (bare-string bodies)",
    note=(
        "Read from copies of the page's response examples, not from the page itself. 401, 403, "
        "404 and 504 answer with a bare JSON string; 429 with an object without a code. Codes "
        "such as 30001 ('Sorry, your account balance is insufficient'), 30003 ('Model disabled') "
        "are seen in the wild but no published table of them was found."
    ),
    codes=(
        Code(
            "20012",
            R.MODEL_NOT_FOUND,
            400,
            "Model does not exist. Please check it carefully.",
            WD,
            "The page's example message; the API reference shows the same code with any 400 "
            "message, so other wordings reuse it for bad parameters.",
        ),
        Code(
            "50505",
            R.OVERLOADED,
            503,
            "Model service overloaded. Please try again later.",
        ),
        Code("401", R.INVALID_KEY, 401, "Invalid token"),
        Code(
            "403",
            R.PERMISSION_DENIED,
            403,
            "Forbidden",
            WD,
            "See the error-code page: balance (quota_exhausted) or real-name verification.",
        ),
        Code(
            "404",
            R.BAD_REQUEST,
            404,
            "404 page not found",
            note="A wrong URL or path (the model case is 20012).",
        ),
        Code(
            "429",
            R.RATE_LIMITED,
            429,
            "Request was rejected due to rate limiting. If you want more, please contact "
            "contact@siliconflow.cn. Details:TPM limit reached.",
            W,
        ),
        Code("504", R.TIMEOUT, 504, "(a bare string body)"),
    ),
)

# Not found (searched 2026-12-06 in the docs, pages and code corpora):
# - Baidu Qianfan v1 codes 336002 onwards (https://ai.baidu.com/ai-doc/WENXINWORKSHOP/tlmyncueh):
#   no stored copy of those rows; find_string for 336002, 336003, 336100 found nothing relevant.
# - SiliconFlow numeric business codes (30001 balance insufficient, 30003 model disabled, 30011,
#   50505 aside): seen in user code and logs, but no published SiliconFlow table lists them.
# - Tencent Hunyuan's error-code page itself (https://cloud.tencent.com/document/api/1729/101842)
#   was not stored; its codes come from the SDK file generated from it (HUNYUAN above).

TABLES: tuple[ErrorTable, ...] = (
    DASHSCOPE,
    ZHIPU_HTTP,
    ZHIPU,
    MOONSHOT,
    QIANFAN_V1,
    QIANFAN_V1_LIMITS,
    QIANFAN_V2,
    QIANFAN_V2_OLD,
    VOLCENGINE,
    MINIMAX,
    SPARK,
    SPARK_MAAS,
    HUNYUAN,
    TENCENT_COMMON,
    SILICONFLOW_HTTP,
    SILICONFLOW_API,
)
