"""The network vocabulary each runtime prints when a request fails before or without an HTTP
response, one Vocabulary per runtime (its errno names and strerror text, its resolver's messages,
its HTTP client's exception classes and messages), plus the pages a proxy or CDN serves in place
of the provider's answer; each with the URL of the source it was transcribed from, so that a
failure is classified as network or timeout (or, under a gateway's 5xx page, server_error,
overloaded or timeout) whatever language the backend's HTTP stack is written in.
"""

from __future__ import annotations

from keywatch.core.reasons import Reason as R
from keywatch.core.tables._types import Kind, Term, Vocabulary

# retrieved 2026-12-06. Terms are matched as case-insensitive literal substrings (Kind.CLASS:
# the exception class name, exactly), so each text is a phrase the runtime prints whole; bare
# words ("timeout", "closed", "EOF", "error") are left out on purpose.

_C = Kind.CLASS
_E = Kind.ERRNO
_P = Kind.PHRASE
NET = R.NETWORK
TMO = R.TIMEOUT

POSIX_ERRNO = Vocabulary(
    runtime="POSIX errno (glibc strerror)",
    source="https://www.gnu.org/software/libc/manual/html_node/Error-Codes.html",
    note="Messages as glibc's strerror prints them (checked against os.strerror on glibc). "
    "Go's syscall package prints the same texts in lower case, Rust as 'Connection refused "
    "(os error 111)', Python as '[Errno 111] Connection refused': matching is case-insensitive.",
    terms=(
        Term("ECONNREFUSED", NET, _E, "111: nothing listens on the port"),
        Term("Connection refused", NET, _P, "strerror(ECONNREFUSED)"),
        Term("ECONNRESET", NET, _E, "104: the peer reset the connection"),
        Term("Connection reset by peer", NET, _P, "strerror(ECONNRESET)"),
        Term("ETIMEDOUT", TMO, _E, "110: connect or TCP retransmission timed out"),
        Term("Connection timed out", TMO, _P, "strerror(ETIMEDOUT)"),
        Term("EHOSTUNREACH", NET, _E, "113"),
        Term("No route to host", NET, _P, "strerror(EHOSTUNREACH)"),
        Term("ENETUNREACH", NET, _E, "101"),
        Term("Network is unreachable", NET, _P, "strerror(ENETUNREACH)"),
        Term("EPIPE", NET, _E, "32: write on a connection the peer closed"),
        Term("Broken pipe", NET, _P, "strerror(EPIPE)"),
        Term("ECONNABORTED", NET, _E, "103"),
        Term("Software caused connection abort", NET, _P, "strerror(ECONNABORTED)"),
        Term("ENETDOWN", NET, _E, "100"),
        Term("Network is down", NET, _P, "strerror(ENETDOWN)"),
        Term("EHOSTDOWN", NET, _E, "112"),
        Term("Host is down", NET, _P, "strerror(EHOSTDOWN)"),
        Term("ENETRESET", NET, _E, "102"),
        Term("Network dropped connection on reset", NET, _P, "strerror(ENETRESET)"),
        Term("ENOTCONN", NET, _E, "107"),
        Term("Transport endpoint is not connected", NET, _P, "strerror(ENOTCONN)"),
        Term("EADDRNOTAVAIL", NET, _E, "99: no local address/port left to connect from"),
        Term("Cannot assign requested address", NET, _P, "strerror(EADDRNOTAVAIL)"),
        Term("ESHUTDOWN", NET, _E, "108"),
        Term("Cannot send after transport endpoint shutdown", NET, _P, "strerror(ESHUTDOWN)"),
        Term("EPROTO", NET, _E, "71: protocol error (Node prints it for TLS failures)"),
    ),
)

GETADDRINFO_GLIBC = Vocabulary(
    runtime="getaddrinfo (glibc gai_strerror)",
    source="https://sourceware.org/git/?p=glibc.git;a=blob;f=sysdeps/posix/gai_strerror-strs.h",
    note="Texts checked against glibc's gai_strerror on this machine. Python prints them as "
    "'[Errno -2] Name or service not known' (socket.gaierror), Node as 'getaddrinfo "
    "EAI_AGAIN host', Rust as 'failed to lookup address information: ...'.",
    terms=(
        Term("EAI_NONAME", NET, _E, "-2: the name does not resolve"),
        Term("Name or service not known", NET, _P, "gai_strerror(EAI_NONAME)"),
        Term("EAI_AGAIN", NET, _E, "-3: the resolver did not answer in time"),
        Term("Temporary failure in name resolution", NET, _P, "gai_strerror(EAI_AGAIN)"),
        Term("EAI_FAIL", NET, _E, "-4"),
        Term("Non-recoverable failure in name resolution", NET, _P, "gai_strerror(EAI_FAIL)"),
        Term("EAI_NODATA", NET, _E, "-5"),
        Term("No address associated with hostname", NET, _P, "gai_strerror(EAI_NODATA)"),
        Term("EAI_ADDRFAMILY", NET, _E, "-9"),
        Term("Address family for hostname not supported", NET, _P, "gai_strerror(EAI_ADDRFAMILY)"),
    ),
)

GETADDRINFO_BSD = Vocabulary(
    runtime="getaddrinfo (macOS/BSD gai_strerror)",
    source="https://github.com/apple-oss-distributions/Libinfo/blob/main/lookup.subproj/"
    "gai_strerror.c",
    note="Only the macOS EAI_NONAME text differs from glibc's; it is printed as '[Errno 8] "
    "nodename nor servname provided, or not known' (Python), 'getaddrinfo ENOTFOUND' (Node). "
    "Transcribed from the message as macOS prints it, not from the file, which could not be "
    "read here.",
    terms=(
        Term(
            "nodename nor servname provided, or not known",
            NET,
            _P,
            "gai_strerror(EAI_NONAME) on macOS",
        ),
    ),
)

WINSOCK = Vocabulary(
    runtime="Windows Sockets (Winsock)",
    source="https://learn.microsoft.com/en-us/windows/win32/winsock/windows-sockets-error-codes-2",
    note="The phrases are the FormatMessage texts Windows prints for these codes (Python: "
    "'[WinError 10054] An existing connection was forcibly closed by the remote host', "
    "'[Errno 11001] getaddrinfo failed'); the page's own short titles repeat the POSIX names. "
    "Not read from the page (it was not reached): the names and texts are as Windows prints "
    "them, not checked on Windows here.",
    terms=(
        Term("WSAECONNRESET", NET, _E, "10054"),
        Term("WinError 10054", NET, _E, "WSAECONNRESET as Python prints it"),
        Term("forcibly closed by the remote host", NET, _P, "10054 text"),
        Term("WSAECONNREFUSED", NET, _E, "10061"),
        Term("WinError 10061", NET, _E, "WSAECONNREFUSED as Python prints it"),
        Term("target machine actively refused it", NET, _P, "10061 text"),
        Term("WSAETIMEDOUT", TMO, _E, "10060"),
        Term("WinError 10060", TMO, _E, "WSAETIMEDOUT as Python prints it"),
        Term("did not properly respond after a period of time", TMO, _P, "10060 text"),
        Term("WSAECONNABORTED", NET, _E, "10053"),
        Term("WinError 10053", NET, _E, "WSAECONNABORTED as Python prints it"),
        Term(
            "established connection was aborted by the software in your host machine",
            NET,
            _P,
            "10053 text",
        ),
        Term("WSAENETUNREACH", NET, _E, "10051"),
        Term("attempted to an unreachable network", NET, _P, "10051 text"),
        Term("WSAEHOSTUNREACH", NET, _E, "10065"),
        Term("attempted to an unreachable host", NET, _P, "10065 text"),
        Term("WSAENETDOWN", NET, _E, "10050"),
        Term("encountered a dead network", NET, _P, "10050 text"),
        Term("WSAHOST_NOT_FOUND", NET, _E, "11001"),
        Term("Errno 11001", NET, _E, "WSAHOST_NOT_FOUND as Python prints it"),
        Term("No such host is known", NET, _P, "11001 text"),
        Term("getaddrinfo failed", NET, _P, "Python's text for a Windows resolver failure"),
        Term("WSATRY_AGAIN", NET, _E, "11002"),
        Term("Errno 11002", NET, _E, "WSATRY_AGAIN as Python prints it"),
        Term("temporary error during hostname resolution", NET, _P, "11002 text"),
        Term("WSANO_DATA", NET, _E, "11004: the name has no address record"),
    ),
)

PYTHON_STDLIB = Vocabulary(
    runtime="Python socket/ssl/http.client",
    source="https://docs.python.org/3/library/exceptions.html#os-exceptions",
    note="The OSError subclasses Python raises for the errno values above, and the messages of "
    "ssl and http.client (https://github.com/python/cpython/blob/main/Lib/http/client.py).",
    terms=(
        Term("ConnectionRefusedError", NET, _C, "ECONNREFUSED"),
        Term("ConnectionResetError", NET, _C, "ECONNRESET"),
        Term("ConnectionAbortedError", NET, _C, "ECONNABORTED"),
        Term("BrokenPipeError", NET, _C, "EPIPE, ESHUTDOWN"),
        Term("TimeoutError", TMO, _C, "ETIMEDOUT; socket.timeout is an alias since 3.10"),
        Term("gaierror", NET, _C, "socket.gaierror: getaddrinfo failed"),
        Term("herror", NET, _C, "socket.herror: address lookup failed"),
        Term("RemoteDisconnected", NET, _C, "http.client: no status line before close"),
        Term("Remote end closed connection without response", NET, _P, "RemoteDisconnected"),
        Term("IncompleteRead", NET, _C, "http.client: body shorter than announced"),
        Term("SSLError", NET, _C, "ssl"),
        Term("SSLCertVerificationError", NET, _C, "ssl"),
        Term("SSLEOFError", NET, _C, "ssl: the peer closed during TLS"),
        Term("certificate verify failed", NET, _P, "[SSL: CERTIFICATE_VERIFY_FAILED]"),
        Term("EOF occurred in violation of protocol", NET, _P, "ssl: peer closed mid-TLS"),
        Term("UNEXPECTED_EOF_WHILE_READING", NET, _E, "OpenSSL 3 reason for the same"),
        Term("The read operation timed out", TMO, _P, "ssl socket read timeout"),
        Term("The write operation timed out", TMO, _P, "ssl socket write timeout"),
        Term("The handshake operation timed out", TMO, _P, "ssl handshake timeout"),
        Term("Tunnel connection failed", NET, _P, "http.client: the proxy refused CONNECT"),
    ),
)

PYTHON_HTTPX = Vocabulary(
    runtime="Python httpx/httpcore/h11",
    source="https://github.com/encode/httpx/blob/master/httpx/_exceptions.py",
    note="Messages from httpcore (_sync/http11.py, http2.py) and h11 (_readers.py), read in "
    "httpx 0.28.1, httpcore 1.0.9. LocalProtocolError, UnsupportedProtocol, DecodingError, "
    "TooManyRedirects and the Stream* errors are the caller's, not the network's: left out.",
    terms=(
        Term("ConnectError", NET, _C, "Failed to establish a connection."),
        Term("ConnectTimeout", TMO, _C, "Timed out while connecting to the host."),
        Term("ReadTimeout", TMO, _C, "Timed out while receiving data from the host."),
        Term("WriteTimeout", TMO, _C, "Timed out while sending data to the host."),
        Term("PoolTimeout", TMO, _C, "Timed out waiting to acquire a connection from the pool."),
        Term("TimeoutException", TMO, _C, "base class of the timeouts"),
        Term("NetworkError", NET, _C, "base class of the network errors"),
        Term("ReadError", NET, _C, "Failed to receive data from the network."),
        Term("WriteError", NET, _C, "Failed to send data through the network."),
        Term("CloseError", NET, _C, "Failed to close a connection."),
        Term("ProxyError", NET, _C, "An error occurred while establishing a proxy connection."),
        Term("RemoteProtocolError", NET, _C, "The protocol was violated by the server."),
        Term("Server disconnected without sending a response", NET, _P, "httpcore HTTP/1.1"),
        Term("Server disconnected", NET, _P, "httpcore HTTP/2 (and aiohttp's default)"),
        Term(
            "peer closed connection without sending complete message body",
            NET,
            _P,
            "h11: the body was cut short (incomplete chunked read / received N bytes)",
        ),
        Term("incomplete chunked read", NET, _P, "h11, after the phrase above"),
    ),
)

PYTHON_REQUESTS = Vocabulary(
    runtime="Python requests/urllib3",
    source="https://github.com/urllib3/urllib3/blob/main/src/urllib3/exceptions.py",
    note="requests' classes from https://github.com/psf/requests/blob/main/src/requests/"
    "exceptions.py; messages from urllib3 connection.py, connectionpool.py, response.py "
    "(read in requests 2.34.2, urllib3 2.8.0). 'Max retries exceeded' wraps its cause in "
    "'(Caused by ...)': a ResponseError cause ('too many 502 error responses') is the server's.",
    terms=(
        Term("ConnectionError", NET, _C, "requests: a connection error occurred"),
        Term("ConnectTimeout", TMO, _C, "requests: timed out while connecting"),
        Term("ReadTimeout", TMO, _C, "requests: the server sent no data in time"),
        Term("Timeout", TMO, _C, "requests: base of the two above"),
        Term("ProxyError", NET, _C, "requests/urllib3: proxy failure"),
        Term("SSLError", NET, _C, "requests/urllib3: TLS failure"),
        Term("ChunkedEncodingError", NET, _C, "requests: the chunked body broke off"),
        Term("NewConnectionError", NET, _C, "urllib3: the connection could not be made"),
        Term("NameResolutionError", NET, _C, "urllib3: the host did not resolve"),
        Term("ConnectTimeoutError", TMO, _C, "urllib3"),
        Term("ReadTimeoutError", TMO, _C, "urllib3"),
        Term("MaxRetryError", NET, _C, "urllib3: retries used up; the cause decides"),
        Term("ProtocolError", NET, _C, "urllib3: connection aborted / broken"),
        Term("InvalidChunkLength", NET, _C, "urllib3: the chunked body broke off"),
        Term("Max retries exceeded with url", NET, _P, "MaxRetryError"),
        Term("Failed to establish a new connection", NET, _P, "NewConnectionError"),
        Term("Failed to resolve", NET, _P, "NameResolutionError: Failed to resolve 'host'"),
        Term("Connection aborted.", NET, _P, "ProtocolError('Connection aborted.', ...)"),
        Term("Connection broken:", NET, _P, "ProtocolError: Connection broken: IncompleteRead"),
        Term("Read timed out", TMO, _P, "ReadTimeoutError: Read timed out. (read timeout=N)"),
        Term("timed out. (connect timeout=", TMO, _P, "ConnectTimeoutError"),
        Term("Unable to connect to proxy", NET, _P, "ProxyError"),
        Term("Tunnel connection failed", NET, _P, "the proxy refused CONNECT"),
    ),
)

PYTHON_AIOHTTP = Vocabulary(
    runtime="Python aiohttp",
    source="https://github.com/aio-libs/aiohttp/blob/master/aiohttp/client_exceptions.py",
    note="Read at aiohttp master 495e778 (2026-08); messages from client.py, client_proto.py, "
    "client_reqrep.py, base_protocol.py. ClientResponseError and its subclasses carry an HTTP "
    "status and are not network failures, except ClientHttpProxyError (the proxy's CONNECT "
    "answer). The bare 'Connection closed' of client_reqrep.py is left out as too generic.",
    terms=(
        Term("ClientConnectorError", NET, _C, "Cannot connect to host ... [strerror]"),
        Term("ClientConnectorDNSError", NET, _C, "the host did not resolve (3.10+)"),
        Term("ClientProxyConnectionError", NET, _C, "the proxy could not be reached"),
        Term("ClientHttpProxyError", NET, _C, "the proxy answered CONNECT with non-200"),
        Term("ClientConnectionError", NET, _C, "base class for client socket errors"),
        Term("ClientConnectionResetError", NET, _C, "the connection was reset"),
        Term("ClientOSError", NET, _C, "an OSError on the socket"),
        Term("ClientSSLError", NET, _C, "TLS failure"),
        Term("ClientConnectorSSLError", NET, _C, "TLS failure while connecting"),
        Term("ClientConnectorCertificateError", NET, _C, "certificate failure"),
        Term("ServerConnectionError", NET, _C, "base of server connection errors"),
        Term("ServerDisconnectedError", NET, _C, "Server disconnected"),
        Term("ServerFingerprintMismatch", NET, _C, "certificate pin mismatch"),
        Term("ServerTimeoutError", TMO, _C, "server timeout"),
        Term("ConnectionTimeoutError", TMO, _C, "connect timeout (3.10+)"),
        Term("SocketTimeoutError", TMO, _C, "sock_read timeout (3.10+)"),
        Term("ClientPayloadError", NET, _C, "the response body broke off"),
        Term("Cannot connect to host", NET, _P, "ClientConnectorError.__str__"),
        Term("Connection timeout to host", TMO, _P, "ConnectionTimeoutError"),
        Term("Timeout on reading data from socket", TMO, _P, "SocketTimeoutError"),
        Term("Response payload is not completed", NET, _P, "ClientPayloadError"),
        Term("Server disconnected", NET, _P, "ServerDisconnectedError default message"),
        Term("Connection lost", NET, _P, "ClientConnectionResetError"),
        Term("Cannot write to closing transport", NET, _P, "ClientConnectionResetError"),
    ),
)

NODE = Vocabulary(
    runtime="Node.js net/http/tls/dns",
    source="https://nodejs.org/api/errors.html#common-system-errors",
    note="Node prefixes the syscall to the errno ('connect ECONNREFUSED 127.0.0.1:443', "
    "'getaddrinfo ENOTFOUND host'); texts checked on Node 20.20 against loopback. 'socket "
    "hang up' is lib/_http_client.js, the TLS sentence lib/_tls_wrap.js, 'fetch failed' "
    "undici's lib/web/fetch/index.js (the cause follows as error.cause).",
    terms=(
        Term("fetch failed", NET, _P, "TypeError from fetch(); the cause says why"),
        Term("socket hang up", NET, _P, "http: the socket closed before a response (ECONNRESET)"),
        Term("ENOTFOUND", NET, _E, "DNS lookup failed"),
        Term("getaddrinfo ENOTFOUND", NET, _P, "the host does not resolve"),
        Term("getaddrinfo EAI_AGAIN", NET, _P, "the resolver did not answer"),
        Term("connect ECONNREFUSED", NET, _P, "nothing listens on the port"),
        Term("connect ETIMEDOUT", TMO, _P, "the connect attempt timed out"),
        Term("read ECONNRESET", NET, _P, "the peer reset the connection"),
        Term("write EPIPE", NET, _P, "write on a closed connection"),
        Term("ERR_SOCKET_CONNECTION_TIMEOUT", TMO, _E, "net: autoSelectFamily attempt timeout"),
        Term(
            "Client network socket disconnected before secure TLS connection was established",
            NET,
            _P,
            "tls: closed during the handshake (ECONNRESET)",
        ),
        Term("ERR_TLS_CERT_ALTNAME_INVALID", NET, _E, "certificate name mismatch"),
        Term("UNABLE_TO_VERIFY_LEAF_SIGNATURE", NET, _E, "certificate chain"),
        Term("UNABLE_TO_GET_ISSUER_CERT_LOCALLY", NET, _E, "certificate chain"),
        Term("SELF_SIGNED_CERT_IN_CHAIN", NET, _E, "certificate chain"),
        Term("DEPTH_ZERO_SELF_SIGNED_CERT", NET, _E, "self-signed certificate"),
        Term("CERT_HAS_EXPIRED", NET, _E, "expired certificate"),
        Term("The operation was aborted due to timeout", TMO, _P, "AbortSignal.timeout()"),
    ),
)

NODE_UNDICI = Vocabulary(
    runtime="Node undici (fetch)",
    source="https://github.com/nodejs/undici/blob/main/lib/core/errors.js",
    note="Read at undici main 7eb7c8e (2026-08); messages raised in lib/dispatcher/client-h1.js, "
    "client-h2.js, lib/core/connect.js and lib/dispatcher/proxy-agent.js. UND_ERR_SOCKET_TIMEOUT "
    "and UND_ERR_REQUEST_TIMEOUT are from older undici (lib/errors.js). Left out as the "
    "caller's: UND_ERR_INVALID_ARG, UND_ERR_ABORTED/UND_ERR_ABORT (the caller aborted), "
    "UND_ERR_DESTROYED, UND_ERR_CLOSED, UND_ERR_NOT_SUPPORTED, UND_ERR_RESPONSE_STATUS_CODE.",
    terms=(
        Term("UND_ERR_CONNECT_TIMEOUT", TMO, _E, "ConnectTimeoutError"),
        Term("ConnectTimeoutError", TMO, _C, "socket is destroyed due to connect timeout"),
        Term("Connect Timeout Error", TMO, _P, "(attempted address: host:port, timeout: Nms)"),
        Term("UND_ERR_HEADERS_TIMEOUT", TMO, _E, "HeadersTimeoutError"),
        Term("HeadersTimeoutError", TMO, _C, "no response headers within headersTimeout"),
        Term("Headers Timeout Error", TMO, _P, "HeadersTimeoutError default message"),
        Term("UND_ERR_BODY_TIMEOUT", TMO, _E, "BodyTimeoutError"),
        Term("BodyTimeoutError", TMO, _C, "no body data within bodyTimeout"),
        Term("Body Timeout Error", TMO, _P, "BodyTimeoutError default message"),
        Term("UND_ERR_SOCKET_TIMEOUT", TMO, _E, "older undici: socket timeout"),
        Term("UND_ERR_REQUEST_TIMEOUT", TMO, _E, "older undici: request timeout"),
        Term("UND_ERR_SOCKET", NET, _E, "SocketError"),
        Term("SocketError", NET, _C, "there is an error with the socket"),
        Term("other side closed", NET, _P, "SocketError: the server closed the socket"),
        Term("UND_ERR_RES_CONTENT_LENGTH_MISMATCH", NET, _E, "the body broke off"),
        Term(
            "Response body length does not match content-length header",
            NET,
            _P,
            "ResponseContentLengthMismatchError",
        ),
        Term('HTTP/2: "GOAWAY" frame received', NET, _P, "client-h2: the server went away"),
        Term("UND_ERR_PRX_TLS", NET, _E, "SecureProxyConnectionError"),
        Term("SecureProxyConnectionError", NET, _C, "TLS to the proxy failed"),
        Term("Secure Proxy Connection failed", NET, _P, "SecureProxyConnectionError"),
        Term("UND_ERR_PRX_CONN", NET, _E, "ProxyConnectionError"),
        Term("ProxyConnectionError", NET, _C, "the proxy could not be reached"),
        Term("Proxy Connection failed", NET, _P, "ProxyConnectionError"),
        Term("when HTTP Tunneling", NET, _P, "Proxy response (407) !== 200 when HTTP Tunneling"),
        Term("UND_ERR_SOCKS5", NET, _E, "Socks5ProxyError and its UND_ERR_SOCKS5_* codes"),
        Term("Socks5ProxyError", NET, _C, "SOCKS5 proxy failure"),
    ),
)

GO_NET_HTTP = Vocabulary(
    runtime="Go net, net/http",
    source="https://github.com/golang/go/blob/master/src/net/http/transport.go",
    note="Also src/net/http/client.go (Client.Timeout), src/net/http/h2_bundle.go (http2), "
    "src/net/net.go and internal/poll (i/o timeout), src/net/dnsclient_unix.go (no such host, "
    "server misbehaving), src/context (deadline), io (unexpected EOF), crypto/tls and "
    "crypto/x509. The errno texts are Go's lower-case syscall strings, matched by POSIX_ERRNO. "
    "The transport.go snapshot that could be read was old; current texts were confirmed from "
    "copies quoted in public code.",
    terms=(
        Term("dial tcp", NET, _P, "net.OpError of a dial: dial tcp host:port: ..."),
        Term("proxyconnect tcp", NET, _P, "net.OpError dialing the proxy"),
        Term("no such host", NET, _P, "lookup host: no such host"),
        Term("server misbehaving", NET, _P, "the DNS server answered SERVFAIL"),
        Term("i/o timeout", TMO, _P, "os.ErrDeadlineExceeded on a socket"),
        Term("use of closed network connection", NET, _P, "net.ErrClosed"),
        Term("context deadline exceeded", TMO, _P, "context.DeadlineExceeded"),
        Term("Client.Timeout exceeded while awaiting headers", TMO, _P, "http.Client.Timeout"),
        Term(
            "Client.Timeout or context cancellation while reading body",
            TMO,
            _P,
            "http.Client.Timeout while reading the body",
        ),
        Term("net/http: TLS handshake timeout", TMO, _P, "Transport.TLSHandshakeTimeout"),
        Term(
            "net/http: timeout awaiting response headers",
            TMO,
            _P,
            "Transport.ResponseHeaderTimeout",
        ),
        Term(
            "request canceled while waiting for connection",
            TMO,
            _P,
            "net/http: canceled (usually by Client.Timeout) during the dial",
        ),
        Term("http: server closed idle connection", NET, _P, "errServerClosedIdle"),
        Term("net/http: HTTP/1.x transport connection broken", NET, _P, "write/read failure"),
        Term("Transport failed to read from server", NET, _P, "older transportReadFromServerError"),
        Term(
            "http2: server sent GOAWAY and closed the connection",
            NET,
            _P,
            "http2 GoAwayError",
        ),
        Term("http2: client connection lost", NET, _P, "http2 errClientConnGotGoAway/lost"),
        Term("http2: timeout awaiting response headers", TMO, _P, "http2 ResponseHeaderTimeout"),
        Term(
            "unexpected EOF",
            R.SERVER_ERROR,
            _P,
            "io.ErrUnexpectedEOF: the connection closed in the middle of a message",
        ),
        Term("tls: failed to verify certificate", NET, _P, "crypto/tls"),
        Term("x509: certificate signed by unknown authority", NET, _P, "crypto/x509"),
        Term("x509: certificate has expired or is not yet valid", NET, _P, "crypto/x509"),
        Term("remote error: tls:", NET, _P, "crypto/tls: the peer sent a TLS alert"),
    ),
)

JAVA_JDK = Vocabulary(
    runtime="Java (java.net, javax.net.ssl, java.net.http)",
    source="https://docs.oracle.com/en/java/javase/21/docs/api/java.base/java/net/"
    "package-summary.html",
    note="Messages checked on OpenJDK 17 against loopback (HttpURLConnection and java.net.http "
    "HttpClient); 'connect timed out' is 'Connect timed out' on newer JDKs. java.net.http "
    "classes: https://docs.oracle.com/en/java/javase/21/docs/api/java.net.http/java/net/http/"
    "package-summary.html.",
    terms=(
        Term("UnknownHostException", NET, _C, "the host did not resolve"),
        Term("UnresolvedAddressException", NET, _C, "java.net.http: the host did not resolve"),
        Term("ConnectException", NET, _C, "Connection refused, or no route"),
        Term("NoRouteToHostException", NET, _C, "no route to host"),
        Term("PortUnreachableException", NET, _C, "ICMP port unreachable"),
        Term("SocketException", NET, _C, "Connection reset, Broken pipe, ..."),
        Term("SocketTimeoutException", TMO, _C, "Read timed out / connect timed out"),
        Term("HttpTimeoutException", TMO, _C, "java.net.http: request timed out"),
        Term("HttpConnectTimeoutException", TMO, _C, "java.net.http: HTTP connect timed out"),
        Term("SSLHandshakeException", NET, _C, "javax.net.ssl"),
        Term("SSLException", NET, _C, "javax.net.ssl"),
        Term("Read timed out", TMO, _P, "SocketTimeoutException"),
        Term("connect timed out", TMO, _P, "SocketTimeoutException / HttpConnectTimeoutException"),
        Term("request timed out", TMO, _P, "HttpTimeoutException"),
        Term("Connection reset", NET, _P, "SocketException (and '... by peer')"),
        Term("Unexpected end of file from server", NET, _P, "HttpURLConnection: closed early"),
        Term(
            "HTTP/1.1 header parser received no bytes",
            NET,
            _P,
            "java.net.http: closed before the status line",
        ),
        Term("EOF reached while reading", NET, _P, "java.net.http: cause of the above"),
        Term("PKIX path building failed", NET, _P, "certificate chain not trusted"),
        Term("Remote host terminated the handshake", NET, _P, "SSLHandshakeException"),
        Term("Unable to resolve host", NET, _P, "Android's UnknownHostException message"),
    ),
)

OKHTTP = Vocabulary(
    runtime="OkHttp",
    source="https://github.com/square/okhttp/blob/master/okhttp/src/commonJvmAndroid/kotlin/"
    "okhttp3/internal/http1/Http1ExchangeCodec.kt",
    note="Also internal/http2/StreamResetException.kt, internal/connection/ConnectPlan.kt "
    "(Failed to connect to, CONNECT tunnel). OkHttp's own timeouts are SocketTimeoutException "
    "or InterruptedIOException with the bare message 'timeout', too generic to match as a "
    "phrase: the class names (JAVA_JDK) carry them.",
    terms=(
        Term("unexpected end of stream on", NET, _P, "HTTP/1: closed before the headers"),
        Term("StreamResetException", NET, _C, "HTTP/2 RST_STREAM"),
        Term("stream was reset:", NET, _P, "StreamResetException: stream was reset: CANCEL"),
        Term("ConnectionShutdownException", NET, _C, "the HTTP/2 connection was shut down"),
        Term("Failed to connect to", NET, _P, "ConnectException: Failed to connect to host/ip"),
        Term("Unexpected response code for CONNECT", NET, _P, "the proxy refused CONNECT"),
        Term("Failed to authenticate with proxy", NET, _P, "CONNECT answered 407"),
    ),
)

RUST_REQWEST = Vocabulary(
    runtime="Rust reqwest/hyper/hyper-util",
    source="https://github.com/seanmonstar/reqwest/blob/master/src/error.rs",
    note="Read at reqwest 065a5ae, hyper 8fcaf1a (src/error.rs), hyper-util 4684c71 "
    "(src/client/legacy/client.rs, connect/http.rs, connect/proxy/tunnel.rs), all 2026. 'error "
    "trying to connect' is hyper 0.14's Kind::Connect (reqwest < 0.12). The OS text follows as "
    "'Connection refused (os error 111)', matched by POSIX_ERRNO. 'error decoding response "
    "body' is left out: it is also a JSON/gzip failure.",
    terms=(
        Term("error sending request", NET, _P, "reqwest Kind::Request: ... for url (URL)"),
        Term("error trying to connect", NET, _P, "hyper 0.14 Kind::Connect"),
        Term("client error (Connect)", NET, _P, "hyper-util legacy client: connect failed"),
        Term("client error (SendRequest)", NET, _P, "hyper-util legacy client: send failed"),
        Term("tcp connect error", NET, _P, "hyper-util HttpConnector"),
        Term("dns error", NET, _P, "hyper-util HttpConnector: resolution failed"),
        Term("failed to lookup address information", NET, _P, "Rust std getaddrinfo error"),
        Term("error resolving DNS", NET, _P, "reqwest DNS resolver error"),
        Term("operation timed out", TMO, _P, "reqwest TimedOut"),
        Term(
            "connection closed before message completed",
            NET,
            _P,
            "hyper Kind::IncompleteMessage",
        ),
        Term("IncompleteMessage", NET, _E, "hyper Kind::IncompleteMessage as Debug prints it"),
        Term("error reading a body from connection", NET, _P, "hyper Kind::Body"),
        Term("error writing a body to connection", NET, _P, "hyper Kind::BodyWrite"),
        Term("operation was canceled", NET, _P, "hyper Kind::Canceled: the dispatch was dropped"),
        Term("tunnel error:", NET, _P, "hyper-util proxy tunnel failure"),
        Term("proxy authorization required", NET, _P, "hyper-util tunnel: proxy answered 407"),
        Term("invalid peer certificate", NET, _P, "rustls certificate failure"),
    ),
)

DART = Vocabulary(
    runtime="Dart (dart:io, package:http)",
    source="https://github.com/dart-lang/sdk/blob/main/sdk/lib/_http/http_impl.dart",
    note="Also sdk/lib/io/socket.dart (SocketException: Failed host lookup), "
    "sdk/lib/io/secure_socket.dart (HandshakeException) and package:http's ClientException, "
    "which repeats the dart:io message. The OS text follows as 'OS Error: Connection refused, "
    "errno = 111', matched by POSIX_ERRNO. Texts confirmed from copies quoted in public code.",
    terms=(
        Term("SocketException", NET, _C, "dart:io socket failure"),
        Term("HttpException", NET, _C, "dart:io HTTP connection failure"),
        Term("ClientException", NET, _C, "package:http wrapper"),
        Term("HandshakeException", NET, _C, "TLS handshake failure"),
        Term("TlsException", NET, _C, "TLS failure"),
        Term("TimeoutException", TMO, _C, "dart:async Future.timeout"),
        Term("Failed host lookup", NET, _P, "SocketException: Failed host lookup: 'host'"),
        Term(
            "Connection closed before full header was received",
            NET,
            _P,
            "HttpException: closed before the headers",
        ),
        Term("Connection closed while receiving data", NET, _P, "HttpException: body broke off"),
        Term("Connection terminated during handshake", NET, _P, "HandshakeException"),
        Term("CERTIFICATE_VERIFY_FAILED", NET, _E, "HandshakeException reason"),
        Term("Future not completed", TMO, _P, "TimeoutException default message"),
    ),
)

LIBCURL = Vocabulary(
    runtime="libcurl (curl, PHP cURL/Guzzle)",
    source="https://curl.se/libcurl/c/libcurl-errors.html",
    note="The network, timeout, TLS and proxy CURLcodes, with curl_easy_strerror's text as "
    "libcurl 7.88.1 prints it (checked on this machine; later libcurl may reword "
    "'Couldn't'), and the error-buffer texts the curl tool and PHP print ('curl: (6) Could "
    "not resolve host: x', 'cURL error 28: Operation timed out after N milliseconds'). "
    "Left out: the FTP/TFTP/LDAP/SSH/RTSP/file codes, the caller's errors (1-4, 22, 23, 26, 27, "
    "42, 43, 47-49, 63, 65, 89).",
    terms=(
        Term("CURLE_COULDNT_RESOLVE_PROXY", NET, _E, "5: Couldn't resolve proxy name"),
        Term("resolve proxy name", NET, _P, "5: Couldn't resolve proxy name"),
        Term("Could not resolve proxy", NET, _P, "5: error buffer"),
        Term("CURLE_COULDNT_RESOLVE_HOST", NET, _E, "6: Couldn't resolve host name"),
        Term("Couldn't resolve host", NET, _P, "6: strerror"),
        Term("Could not resolve host", NET, _P, "6: error buffer: Could not resolve host: x"),
        Term("CURLE_COULDNT_CONNECT", NET, _E, "7: Couldn't connect to server"),
        Term("Couldn't connect to server", NET, _P, "7: strerror"),
        Term("CURLE_WEIRD_SERVER_REPLY", R.SERVER_ERROR, _E, "8: Weird server reply"),
        Term("Weird server reply", R.SERVER_ERROR, _P, "8: the server's reply was not HTTP"),
        Term("CURLE_HTTP2", NET, _E, "16: Error in the HTTP2 framing layer"),
        Term("Error in the HTTP2 framing layer", NET, _P, "16"),
        Term("CURLE_PARTIAL_FILE", NET, _E, "18: Transferred a partial file"),
        Term("Transferred a partial file", NET, _P, "18: the body broke off"),
        Term("transfer closed with", NET, _P, "18: error buffer: ... bytes remaining to read"),
        Term("CURLE_OPERATION_TIMEDOUT", TMO, _E, "28: Timeout was reached"),
        Term("Timeout was reached", TMO, _P, "28: strerror"),
        Term("Operation timed out after", TMO, _P, "28: error buffer"),
        Term("Connection timed out after", TMO, _P, "28: error buffer (connect phase)"),
        Term("Resolving timed out after", TMO, _P, "28: error buffer (DNS phase)"),
        Term("CURLE_SSL_CONNECT_ERROR", NET, _E, "35: SSL connect error"),
        Term("SSL connect error", NET, _P, "35"),
        Term("CURLE_INTERFACE_FAILED", NET, _E, "45: Failed binding local connection end"),
        Term("CURLE_GOT_NOTHING", NET, _E, "52: Server returned nothing (no headers, no data)"),
        Term("Server returned nothing", NET, _P, "52: strerror"),
        Term("Empty reply from server", NET, _P, "52: error buffer"),
        Term("CURLE_SEND_ERROR", NET, _E, "55: Failed sending data to the peer"),
        Term("Failed sending data to the peer", NET, _P, "55"),
        Term("Send failure:", NET, _P, "55: error buffer: Send failure: Broken pipe"),
        Term("CURLE_RECV_ERROR", NET, _E, "56: Failure when receiving data from the peer"),
        Term("Failure when receiving data from the peer", NET, _P, "56"),
        Term("Recv failure:", NET, _P, "56: error buffer: Recv failure: Connection reset"),
        Term("CONNECT tunnel failed", NET, _P, "56: error buffer: CONNECT tunnel failed, 407"),
        Term("CURLE_SSL_CERTPROBLEM", NET, _E, "58: Problem with the local SSL certificate"),
        Term("CURLE_SSL_CIPHER", NET, _E, "59: Couldn't use specified SSL cipher"),
        Term("CURLE_PEER_FAILED_VERIFICATION", NET, _E, "60: SSL peer certificate was not OK"),
        Term("SSL peer certificate or SSH remote key was not OK", NET, _P, "60"),
        Term("SSL certificate problem", NET, _P, "60: error buffer"),
        Term("CURLE_USE_SSL_FAILED", NET, _E, "64: Requested SSL level failed"),
        Term("CURLE_SSL_CACERT_BADFILE", NET, _E, "77: Problem with the SSL CA cert"),
        Term("CURLE_SSL_SHUTDOWN_FAILED", NET, _E, "80: Failed to shut down the SSL connection"),
        Term("CURLE_AGAIN", NET, _E, "81: Socket not ready for send/recv"),
        Term("CURLE_SSL_CRL_BADFILE", NET, _E, "82: Failed to load CRL file"),
        Term("CURLE_SSL_ISSUER_ERROR", NET, _E, "83: Issuer check against peer certificate"),
        Term("CURLE_SSL_PINNEDPUBKEYNOTMATCH", NET, _E, "90: pinned public key mismatch"),
        Term("CURLE_SSL_INVALIDCERTSTATUS", NET, _E, "91: certificate status failed"),
        Term("CURLE_HTTP2_STREAM", R.SERVER_ERROR, _E, "92: the server reset the HTTP/2 stream"),
        Term("Stream error in the HTTP/2 framing layer", R.SERVER_ERROR, _P, "92"),
        Term("CURLE_HTTP3", NET, _E, "95: HTTP/3 error"),
        Term("CURLE_QUIC_CONNECT_ERROR", NET, _E, "96: QUIC connection error"),
        Term("QUIC connection error", NET, _P, "96"),
        Term("CURLE_PROXY", NET, _E, "97: proxy handshake error"),
        Term("proxy handshake error", NET, _P, "97"),
        Term("CURLE_SSL_CLIENTCERT", NET, _E, "98: SSL Client Certificate required"),
        Term("CURLE_UNRECOVERABLE_POLL", NET, _E, "99: Unrecoverable error in select/poll"),
        Term("curl: (5)", NET, _E, "the curl tool's prefix for 5"),
        Term("curl: (6)", NET, _E, "the curl tool's prefix for 6"),
        Term("curl: (7)", NET, _E, "the curl tool's prefix for 7"),
        Term("curl: (28)", TMO, _E, "the curl tool's prefix for 28"),
        Term("curl: (35)", NET, _E, "the curl tool's prefix for 35"),
        Term("curl: (52)", NET, _E, "the curl tool's prefix for 52"),
        Term("curl: (55)", NET, _E, "the curl tool's prefix for 55"),
        Term("curl: (56)", NET, _E, "the curl tool's prefix for 56"),
        Term("curl: (60)", NET, _E, "the curl tool's prefix for 60"),
        Term("cURL error 5:", NET, _E, "PHP/Guzzle prefix for 5"),
        Term("cURL error 6:", NET, _E, "PHP/Guzzle prefix for 6"),
        Term("cURL error 7:", NET, _E, "PHP/Guzzle prefix for 7"),
        Term("cURL error 28:", TMO, _E, "PHP/Guzzle prefix for 28"),
        Term("cURL error 35:", NET, _E, "PHP/Guzzle prefix for 35"),
        Term("cURL error 52:", NET, _E, "PHP/Guzzle prefix for 52"),
        Term("cURL error 55:", NET, _E, "PHP/Guzzle prefix for 55"),
        Term("cURL error 56:", NET, _E, "PHP/Guzzle prefix for 56"),
        Term("cURL error 60:", NET, _E, "PHP/Guzzle prefix for 60"),
    ),
)

GRPC = Vocabulary(
    runtime="gRPC status codes",
    source="https://github.com/grpc/grpc/blob/master/doc/statuscodes.md",
    note="Only the codes the gRPC libraries generate for transport failures (the page's table "
    "of library-generated codes): a deadline that expired, a cancelled call, a connection that "
    "could not be made or broke. Written as each binding prints them (Python "
    "'StatusCode.UNAVAILABLE', Go 'code = Unavailable', Node/Java '14 UNAVAILABLE:' / "
    "'UNAVAILABLE:'), since a bare 'unavailable' is also the HTTP 503 reason phrase. The "
    "transport texts are grpc core's, grpc-go's and grpc-js's.",
    terms=(
        Term("DEADLINE_EXCEEDED", TMO, _E, "4: deadline expired before the server returned"),
        Term("code = DeadlineExceeded", TMO, _P, "grpc-go"),
        Term("Deadline Exceeded", TMO, _P, "grpc core / grpc-js status message"),
        Term("StatusCode.CANCELLED", TMO, _E, "1: the call was cancelled (Python)"),
        Term("code = Canceled", TMO, _P, "grpc-go"),
        Term("1 CANCELLED:", TMO, _P, "grpc-js"),
        Term("StatusCode.UNAVAILABLE", NET, _E, "14: could not connect, or the connection broke"),
        Term("code = Unavailable", NET, _P, "grpc-go"),
        Term("14 UNAVAILABLE:", NET, _P, "grpc-js"),
        Term("UNAVAILABLE: io exception", NET, _P, "grpc-java"),
        Term("failed to connect to all addresses", NET, _P, "grpc core"),
        Term("DNS resolution failed", NET, _P, "grpc core"),
        Term("No connection established", NET, _P, "grpc-js"),
        Term("transport is closing", NET, _P, "grpc-go"),
        Term("error reading from server", NET, _P, "grpc-go: error reading from server: EOF"),
        Term("keepalive watchdog timeout", NET, _P, "grpc core: the peer stopped answering pings"),
    ),
)

ENVOY = Vocabulary(
    runtime="Envoy (and Istio) local replies",
    source="https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/"
    "usage#config-access-log-format-response-flags",
    note="The bodies Envoy writes when it answers in the upstream's place (503/504), and the "
    "long names of its response flags (the short ones, UF/UH/UT, are too short to match). A "
    "response came from the gateway, so these are the provider side's failures, not the "
    "caller's network.",
    terms=(
        Term(
            "upstream connect error or disconnect/reset before headers",
            R.SERVER_ERROR,
            _P,
            "503 UF/UC/UR: Envoy could not reach the upstream",
        ),
        Term("no healthy upstream", R.OVERLOADED, _P, "503 UH: every upstream host is unhealthy"),
        Term("upstream request timeout", TMO, _P, "504 UT"),
        Term("UpstreamConnectionFailure", R.SERVER_ERROR, _E, "UF"),
        Term("UpstreamConnectionTermination", R.SERVER_ERROR, _E, "UC"),
        Term("UpstreamRemoteReset", R.SERVER_ERROR, _E, "UR"),
        Term("NoHealthyUpstream", R.OVERLOADED, _E, "UH"),
        Term("UpstreamOverflow", R.OVERLOADED, _E, "UO: circuit breaker open"),
        Term("UpstreamRequestTimeout", TMO, _E, "UT"),
        Term("UpstreamRetryLimitExceeded", R.SERVER_ERROR, _E, "URX"),
        Term("StreamIdleTimeout", TMO, _E, "SI"),
        Term("UpstreamMaxStreamDurationReached", TMO, _E, "UMSDR"),
    ),
)

NGINX = Vocabulary(
    runtime="nginx",
    source="https://nginx.org/en/docs/http/ngx_http_proxy_module.html",
    note="The default error pages' titles (src/http/ngx_http_special_response.c) and the "
    "error-log phrases a gateway may pass on (src/event/ngx_event_connect.c, "
    "src/http/ngx_http_upstream.c).",
    terms=(
        Term("502 Bad Gateway", R.SERVER_ERROR, _P, "default 502 page"),
        Term("503 Service Temporarily Unavailable", R.OVERLOADED, _P, "default 503 page"),
        Term("504 Gateway Time-out", TMO, _P, "default 504 page"),
        Term("upstream timed out", TMO, _P, "error log: upstream timed out (110: ...)"),
        Term("while connecting to upstream", R.SERVER_ERROR, _P, "error log: connect() failed"),
        Term("no live upstreams", R.OVERLOADED, _P, "error log: every upstream is down"),
        Term("upstream prematurely closed connection", R.SERVER_ERROR, _P, "error log"),
    ),
)

CLOUDFLARE = Vocabulary(
    runtime="Cloudflare 52x",
    source="https://developers.cloudflare.com/support/troubleshooting/http-status-codes/"
    "cloudflare-5xx-errors/",
    note="Cloudflare's own 5xx pages (the HTML title '520: Web server is returning an unknown "
    "error', the plain-text body 'error code: 522'). All mean Cloudflare could not get an "
    "answer from the provider's origin: the provider's failure. 'Connection timed out' (522) "
    "is POSIX_ERRNO's phrase, also timeout.",
    terms=(
        Term("error code: 520", R.SERVER_ERROR, _E, "520 plain-text body"),
        Term("Web server is returning an unknown error", R.SERVER_ERROR, _P, "520"),
        Term("error code: 521", R.SERVER_ERROR, _E, "521 plain-text body"),
        Term(
            "521: Web server is down", R.SERVER_ERROR, _P, "521: the origin refused the connection"
        ),
        Term("error code: 522", TMO, _E, "522 plain-text body"),
        Term("error code: 523", R.SERVER_ERROR, _E, "523 plain-text body"),
        Term("523: Origin is unreachable", R.SERVER_ERROR, _P, "523"),
        Term("error code: 524", TMO, _E, "524 plain-text body"),
        Term("524: A timeout occurred", TMO, _P, "524: the origin did not answer in time"),
        Term("error code: 525", R.SERVER_ERROR, _E, "525 plain-text body"),
        Term("525: SSL handshake failed", R.SERVER_ERROR, _P, "525: TLS to the origin failed"),
        Term("error code: 526", R.SERVER_ERROR, _E, "526 plain-text body"),
        Term("526: Invalid SSL certificate", R.SERVER_ERROR, _P, "526: the origin's certificate"),
        Term("error code: 530", R.SERVER_ERROR, _E, "530: with a 1xxx error (origin DNS)"),
    ),
)

HTTP_PROXY = Vocabulary(
    runtime="HTTP proxies",
    source="https://www.rfc-editor.org/rfc/rfc9110#name-407-proxy-authentication-re",
    note="A forward proxy between the backend and the provider: its refusal is the backend's "
    "network, not the provider's answer. The CONNECT phrases of each client are in their "
    "own vocabularies.",
    terms=(
        Term("407 Proxy Authentication Required", NET, _P, "RFC 9110 15.5.8"),
        Term("Proxy Authentication Required", NET, _P, "the reason phrase alone"),
        Term("Tunnel connection failed", NET, _P, "Python: the proxy refused CONNECT"),
        Term("Unable to connect to proxy", NET, _P, "urllib3 ProxyError"),
    ),
)

CHROMIUM_NET = Vocabulary(
    runtime="Chromium net (Chrome, Edge, Electron, Android WebView)",
    source="https://github.com/chromium/chromium/blob/main/net/base/net_error_list.h",
    note="Transcribed from commit 0182b17bc505e3d68ffd2269d18e1a2fa5bc8876 of the GitHub mirror "
    "(same file as https://source.chromium.org/chromium/chromium/src/+/main:net/base/"
    "net_error_list.h). Chromium prints each NET_ERROR(X, n) as 'net::ERR_X' (DevTools, "
    "chrome://network-errors, Electron's errorDescription), matched here from 'ERR_'. Whole "
    "ranges: connection and TLS (-100..-184), certificate (-200..-217, without the sentinel "
    "CERT_END -219) and DNS (-800..-811); from the system range TIMED_OUT, SOCKET_NOT_CONNECTED "
    "and NETWORK_CHANGED; from the HTTP range (300s) the proxy, PAC, HTTP/2 and QUIC transport "
    "errors and EMPTY_RESPONSE (no response received: network); INSECURE_RESPONSE (-501). Left "
    "out: the other system errors (FAILED, ABORTED, file, BLOCKED_BY_*: the caller's or the "
    "client's), URL, redirect, auth, encoding and pushed-stream HTTP errors (the request's or "
    "a response's, not the transport's), cache (400s), FTP (600s) and certificate-manager "
    "(700s) errors. CONNECTION_ABORTED (-103) is an unACKed send, network like ECONNABORTED; "
    "truncated bodies (-354, -355) are network as in the other runtimes' vocabularies.",
    terms=(
        Term("ERR_TIMED_OUT", TMO, _E, "-7: an operation timed out"),
        Term("ERR_SOCKET_NOT_CONNECTED", NET, _E, "-15: the socket is not connected"),
        Term("ERR_NETWORK_CHANGED", NET, _E, "-21: the network changed"),
        Term("ERR_CONNECTION_CLOSED", NET, _E, "-100: a connection was closed (TCP FIN)"),
        Term("ERR_CONNECTION_RESET", NET, _E, "-101: a connection was reset (TCP RST)"),
        Term("ERR_CONNECTION_REFUSED", NET, _E, "-102: a connection attempt was refused"),
        Term(
            "ERR_CONNECTION_ABORTED",
            NET,
            _E,
            "-103: no ACK for data sent (network: the connection dropped)",
        ),
        Term("ERR_CONNECTION_FAILED", NET, _E, "-104: a connection attempt failed"),
        Term("ERR_NAME_NOT_RESOLVED", NET, _E, "-105: the host name could not be resolved"),
        Term("ERR_INTERNET_DISCONNECTED", NET, _E, "-106: the Internet connection has been lost"),
        Term("ERR_SSL_PROTOCOL_ERROR", NET, _E, "-107: an SSL protocol error occurred"),
        Term("ERR_ADDRESS_INVALID", NET, _E, "-108: the IP address or port is invalid"),
        Term("ERR_ADDRESS_UNREACHABLE", NET, _E, "-109: the IP address is unreachable"),
        Term(
            "ERR_SSL_CLIENT_AUTH_CERT_NEEDED",
            NET,
            _E,
            "-110: the server asked for a client certificate",
        ),
        Term(
            "ERR_TUNNEL_CONNECTION_FAILED",
            NET,
            _E,
            "-111: a tunnel through the proxy could not be established",
        ),
        Term("ERR_NO_SSL_VERSIONS_ENABLED", NET, _E, "-112: no SSL protocol versions are enabled"),
        Term(
            "ERR_SSL_VERSION_OR_CIPHER_MISMATCH",
            NET,
            _E,
            "-113: no common SSL version or cipher suite",
        ),
        Term(
            "ERR_SSL_RENEGOTIATION_REQUESTED", NET, _E, "-114: the server requested a renegotiation"
        ),
        Term(
            "ERR_PROXY_AUTH_UNSUPPORTED",
            NET,
            _E,
            "-115: the proxy asked for an unsupported auth method",
        ),
        Term("ERR_BAD_SSL_CLIENT_AUTH_CERT", NET, _E, "-117: bad or missing client certificate"),
        Term("ERR_CONNECTION_TIMED_OUT", TMO, _E, "-118: a connection attempt timed out"),
        Term("ERR_HOST_RESOLVER_QUEUE_TOO_LARGE", NET, _E, "-119: too many pending DNS resolves"),
        Term("ERR_SOCKS_CONNECTION_FAILED", NET, _E, "-120: could not connect to the SOCKS proxy"),
        Term(
            "ERR_SOCKS_CONNECTION_HOST_UNREACHABLE",
            NET,
            _E,
            "-121: the SOCKS proxy could not reach the host",
        ),
        Term("ERR_ALPN_NEGOTIATION_FAILED", NET, _E, "-122: alternate protocol negotiation failed"),
        Term("ERR_SSL_NO_RENEGOTIATION", NET, _E, "-123: the peer sent a no_renegotiation alert"),
        Term(
            "ERR_WINSOCK_UNEXPECTED_WRITTEN_BYTES",
            NET,
            _E,
            "-124: Winsock reported more bytes written than passed",
        ),
        Term(
            "ERR_SSL_DECOMPRESSION_FAILURE_ALERT",
            NET,
            _E,
            "-125: the peer sent a decompression_failure alert",
        ),
        Term("ERR_SSL_BAD_RECORD_MAC_ALERT", NET, _E, "-126: the peer sent a bad_record_mac alert"),
        Term("ERR_PROXY_AUTH_REQUESTED", NET, _E, "-127: the proxy requested authentication"),
        Term("ERR_PROXY_CONNECTION_FAILED", NET, _E, "-130: could not connect to the proxy server"),
        Term(
            "ERR_MANDATORY_PROXY_CONFIGURATION_FAILED",
            NET,
            _E,
            "-131: a mandatory PAC script could not be used",
        ),
        Term(
            "ERR_PRECONNECT_MAX_SOCKET_LIMIT",
            NET,
            _E,
            "-133: socket pool limit hit while preconnecting",
        ),
        Term(
            "ERR_SSL_CLIENT_AUTH_PRIVATE_KEY_ACCESS_DENIED",
            NET,
            _E,
            "-134: client cert private key access denied",
        ),
        Term(
            "ERR_SSL_CLIENT_AUTH_CERT_NO_PRIVATE_KEY",
            NET,
            _E,
            "-135: the client certificate has no private key",
        ),
        Term(
            "ERR_PROXY_CERTIFICATE_INVALID",
            NET,
            _E,
            "-136: the HTTPS proxy's certificate was invalid",
        ),
        Term(
            "ERR_NAME_RESOLUTION_FAILED", NET, _E, "-137: an error occurred during DNS resolution"
        ),
        Term(
            "ERR_NETWORK_ACCESS_DENIED",
            NET,
            _E,
            "-138: network access denied (most likely a firewall)",
        ),
        Term(
            "ERR_TEMPORARILY_THROTTLED",
            NET,
            _E,
            "-139: the client's request throttler cancelled the request",
        ),
        Term(
            "ERR_HTTPS_PROXY_TUNNEL_RESPONSE_REDIRECT",
            NET,
            _E,
            "-140: the HTTPS proxy answered CONNECT with 302",
        ),
        Term(
            "ERR_SSL_CLIENT_AUTH_SIGNATURE_FAILED",
            NET,
            _E,
            "-141: could not sign with the client cert key",
        ),
        Term("ERR_MSG_TOO_BIG", NET, _E, "-142: the message was too large for the transport"),
        Term("ERR_WS_PROTOCOL_ERROR", NET, _E, "-145: WebSocket protocol error"),
        Term("ERR_ADDRESS_IN_USE", NET, _E, "-147: the address to bind is already in use"),
        Term(
            "ERR_SSL_HANDSHAKE_NOT_COMPLETED", NET, _E, "-148: the SSL handshake has not completed"
        ),
        Term("ERR_SSL_BAD_PEER_PUBLIC_KEY", NET, _E, "-149: the SSL peer's public key is invalid"),
        Term(
            "ERR_SSL_PINNED_KEY_NOT_IN_CERT_CHAIN",
            NET,
            _E,
            "-150: the certificate did not match the pins",
        ),
        Term(
            "ERR_CLIENT_AUTH_CERT_TYPE_UNSUPPORTED",
            NET,
            _E,
            "-151: no supported client certificate type",
        ),
        Term("ERR_SSL_DECRYPT_ERROR_ALERT", NET, _E, "-153: the peer sent a decrypt_error alert"),
        Term("ERR_WS_THROTTLE_QUEUE_TOO_LARGE", NET, _E, "-154: too many pending WebSocket jobs"),
        Term(
            "ERR_SSL_SERVER_CERT_CHANGED",
            NET,
            _E,
            "-156: the server certificate changed in a renegotiation",
        ),
        Term(
            "ERR_SSL_UNRECOGNIZED_NAME_ALERT",
            NET,
            _E,
            "-159: the server sent an unrecognized_name alert",
        ),
        Term(
            "ERR_SOCKET_SET_RECEIVE_BUFFER_SIZE_ERROR",
            NET,
            _E,
            "-160: could not set the receive buffer size",
        ),
        Term(
            "ERR_SOCKET_SET_SEND_BUFFER_SIZE_ERROR",
            NET,
            _E,
            "-161: could not set the send buffer size",
        ),
        Term(
            "ERR_SOCKET_RECEIVE_BUFFER_SIZE_UNCHANGEABLE",
            NET,
            _E,
            "-162: the receive buffer size did not change",
        ),
        Term(
            "ERR_SOCKET_SEND_BUFFER_SIZE_UNCHANGEABLE",
            NET,
            _E,
            "-163: the send buffer size did not change",
        ),
        Term(
            "ERR_SSL_CLIENT_AUTH_CERT_BAD_FORMAT",
            NET,
            _E,
            "-164: could not import the client certificate",
        ),
        Term(
            "ERR_ICANN_NAME_COLLISION",
            NET,
            _E,
            "-166: the name resolved to 127.0.53.53 (name collision)",
        ),
        Term(
            "ERR_SSL_SERVER_CERT_BAD_FORMAT",
            NET,
            _E,
            "-167: the server certificate could not be decoded",
        ),
        Term("ERR_CT_STH_PARSING_FAILED", NET, _E, "-168: CT: a signed tree head failed to parse"),
        Term("ERR_CT_STH_INCOMPLETE", NET, _E, "-169: CT: a signed tree head was missing fields"),
        Term(
            "ERR_UNABLE_TO_REUSE_CONNECTION_FOR_PROXY_AUTH",
            NET,
            _E,
            "-170: internal: proxy auth on a new connection",
        ),
        Term(
            "ERR_CT_CONSISTENCY_PROOF_PARSING_FAILED",
            NET,
            _E,
            "-171: CT: the consistency proof failed to parse",
        ),
        Term(
            "ERR_SSL_OBSOLETE_CIPHER", NET, _E, "-172: the server required a removed cipher suite"
        ),
        Term(
            "ERR_WS_UPGRADE",
            NET,
            _E,
            "-173: internal: the WebSocket upgrade cancels the URLRequest",
        ),
        Term(
            "ERR_READ_IF_READY_NOT_IMPLEMENTED",
            NET,
            _E,
            "-174: internal: ReadIfReady is not implemented",
        ),
        Term("ERR_NO_BUFFER_SPACE", NET, _E, "-176: no socket buffer space is available"),
        Term(
            "ERR_SSL_CLIENT_AUTH_NO_COMMON_ALGORITHMS",
            NET,
            _E,
            "-177: no common client cert signature algorithm",
        ),
        Term("ERR_EARLY_DATA_REJECTED", NET, _E, "-178: TLS 1.3 early data was rejected"),
        Term(
            "ERR_WRONG_VERSION_ON_EARLY_DATA",
            NET,
            _E,
            "-179: TLS 1.3 early data answered with TLS 1.2",
        ),
        Term("ERR_TLS13_DOWNGRADE_DETECTED", NET, _E, "-180: a TLS 1.3 downgrade was detected"),
        Term(
            "ERR_SSL_KEY_USAGE_INCOMPATIBLE",
            NET,
            _E,
            "-181: the certificate's keyUsage does not fit",
        ),
        Term(
            "ERR_INVALID_ECH_CONFIG_LIST",
            NET,
            _E,
            "-182: the ECHConfigList from DNS cannot be parsed",
        ),
        Term(
            "ERR_ECH_NOT_NEGOTIATED",
            NET,
            _E,
            "-183: the server could not decrypt the ECH ClientHello",
        ),
        Term(
            "ERR_ECH_FALLBACK_CERTIFICATE_INVALID",
            NET,
            _E,
            "-184: ECH failed and the fallback cert was invalid",
        ),
        Term(
            "ERR_CERT_COMMON_NAME_INVALID",
            NET,
            _E,
            "-200: the certificate's name does not match the host",
        ),
        Term("ERR_CERT_DATE_INVALID", NET, _E, "-201: the certificate is expired or not yet valid"),
        Term(
            "ERR_CERT_AUTHORITY_INVALID",
            NET,
            _E,
            "-202: the certificate is signed by an untrusted authority",
        ),
        Term("ERR_CERT_CONTAINS_ERRORS", NET, _E, "-203: the certificate contains errors"),
        Term(
            "ERR_CERT_NO_REVOCATION_MECHANISM",
            NET,
            _E,
            "-204: the certificate cannot be checked for revocation",
        ),
        Term(
            "ERR_CERT_UNABLE_TO_CHECK_REVOCATION",
            NET,
            _E,
            "-205: revocation information is not available",
        ),
        Term("ERR_CERT_REVOKED", NET, _E, "-206: the certificate has been revoked"),
        Term("ERR_CERT_INVALID", NET, _E, "-207: the certificate is invalid"),
        Term(
            "ERR_CERT_WEAK_SIGNATURE_ALGORITHM",
            NET,
            _E,
            "-208: the certificate uses a weak signature algorithm",
        ),
        Term(
            "ERR_CERT_NON_UNIQUE_NAME", NET, _E, "-210: the certificate's host name is not unique"
        ),
        Term("ERR_CERT_WEAK_KEY", NET, _E, "-211: the certificate contains a weak key"),
        Term(
            "ERR_CERT_NAME_CONSTRAINT_VIOLATION",
            NET,
            _E,
            "-212: the certificate violates name constraints",
        ),
        Term(
            "ERR_CERT_VALIDITY_TOO_LONG",
            NET,
            _E,
            "-213: the certificate's validity period is too long",
        ),
        Term(
            "ERR_CERTIFICATE_TRANSPARENCY_REQUIRED",
            NET,
            _E,
            "-214: the server's CT information did not comply",
        ),
        Term(
            "ERR_CERT_SYMANTEC_LEGACY",
            NET,
            _E,
            "-215: the certificate chains to a distrusted Symantec root",
        ),
        Term(
            "ERR_CERT_KNOWN_INTERCEPTION_BLOCKED",
            NET,
            _E,
            "-217: the certificate is known to be used to intercept",
        ),
        Term("ERR_UNEXPECTED_PROXY_AUTH", NET, _E, "-323: a 407 came although no proxy was used"),
        Term(
            "ERR_EMPTY_RESPONSE",
            NET,
            _E,
            "-324: the server closed the connection without sending any data",
        ),
        Term("ERR_PAC_SCRIPT_FAILED", NET, _E, "-327: the PAC script evaluation failed"),
        Term("ERR_NETWORK_IO_SUSPENDED", NET, _E, "-331: all network IO is suspended"),
        Term("ERR_NO_SUPPORTED_PROXIES", NET, _E, "-336: no supported proxies in the list"),
        Term("ERR_HTTP2_PROTOCOL_ERROR", NET, _E, "-337: an HTTP/2 protocol error"),
        Term("ERR_PAC_NOT_IN_DHCP", NET, _E, "-348: no PAC URL could be retrieved from DHCP"),
        Term(
            "ERR_HTTP2_SERVER_REFUSED_STREAM",
            NET,
            _E,
            "-351: the HTTP/2 server refused the stream unprocessed",
        ),
        Term("ERR_HTTP2_PING_FAILED", NET, _E, "-352: the HTTP/2 server did not answer a PING"),
        Term(
            "ERR_CONTENT_LENGTH_MISMATCH",
            NET,
            _E,
            "-354: the connection closed before Content-Length bytes",
        ),
        Term(
            "ERR_INCOMPLETE_CHUNKED_ENCODING",
            NET,
            _E,
            "-355: the connection closed before the last chunk",
        ),
        Term("ERR_QUIC_PROTOCOL_ERROR", NET, _E, "-356: a QUIC protocol error"),
        Term(
            "ERR_RESPONSE_HEADERS_TRUNCATED",
            NET,
            _E,
            "-357: the HTTP headers were truncated by an EOF",
        ),
        Term("ERR_QUIC_HANDSHAKE_FAILED", NET, _E, "-358: the QUIC crypto handshake failed"),
        Term(
            "ERR_HTTP2_INADEQUATE_TRANSPORT_SECURITY",
            NET,
            _E,
            "-360: transport security inadequate for HTTP/2",
        ),
        Term(
            "ERR_HTTP2_FLOW_CONTROL_ERROR", NET, _E, "-361: the peer violated HTTP/2 flow control"
        ),
        Term(
            "ERR_HTTP2_FRAME_SIZE_ERROR",
            NET,
            _E,
            "-362: the peer sent an improperly sized HTTP/2 frame",
        ),
        Term("ERR_HTTP2_COMPRESSION_ERROR", NET, _E, "-363: HTTP/2 header compression failed"),
        Term(
            "ERR_PROXY_AUTH_REQUESTED_WITH_NO_CONNECTION",
            NET,
            _E,
            "-364: proxy auth without a socket handle",
        ),
        Term(
            "ERR_HTTP_1_1_REQUIRED",
            NET,
            _E,
            "-365: HTTP_1_1_REQUIRED received on an HTTP/2 session",
        ),
        Term(
            "ERR_PROXY_HTTP_1_1_REQUIRED", NET, _E, "-366: HTTP_1_1_REQUIRED from an HTTP/2 proxy"
        ),
        Term("ERR_PAC_SCRIPT_TERMINATED", NET, _E, "-367: the PAC script terminated fatally"),
        Term(
            "ERR_HTTP2_RST_STREAM_NO_ERROR_RECEIVED",
            NET,
            _E,
            "-372: HTTP/2 RST_STREAM with NO_ERROR (internal)",
        ),
        Term(
            "ERR_HTTP2_STREAM_CLOSED", NET, _E, "-376: an HTTP/2 frame arrived on a closed stream"
        ),
        Term(
            "ERR_HTTP2_CLIENT_REFUSED_STREAM", NET, _E, "-377: the client refused an HTTP/2 stream"
        ),
        Term(
            "ERR_QUIC_CERT_ROOT_NOT_KNOWN",
            NET,
            _E,
            "-380: the QUIC certificate does not chain to a known root",
        ),
        Term(
            "ERR_QUIC_GOAWAY_REQUEST_CAN_BE_RETRIED",
            NET,
            _E,
            "-381: QUIC GOAWAY: the request was not processed",
        ),
        Term(
            "ERR_INSECURE_RESPONSE",
            NET,
            _E,
            "-501: the response was insecure (a certificate error)",
        ),
        Term(
            "ERR_DNS_MALFORMED_RESPONSE",
            NET,
            _E,
            "-800: the DNS resolver received a malformed response",
        ),
        Term("ERR_DNS_SERVER_REQUIRES_TCP", NET, _E, "-801: the DNS server requires TCP"),
        Term(
            "ERR_DNS_SERVER_FAILED",
            NET,
            _E,
            "-802: the DNS server failed (FORMERR, SERVFAIL, NOTIMP, REFUSED)",
        ),
        Term("ERR_DNS_TIMED_OUT", TMO, _E, "-803: the DNS transaction timed out"),
        Term("ERR_DNS_CACHE_MISS", NET, _E, "-804: not found in the cache or other local sources"),
        Term("ERR_DNS_SEARCH_EMPTY", NET, _E, "-805: suffix search list rules prevent resolution"),
        Term("ERR_DNS_SORT_ERROR", NET, _E, "-806: failed to sort addresses (RFC 3484)"),
        Term(
            "ERR_DNS_SECURE_RESOLVER_HOSTNAME_RESOLUTION_FAILED",
            NET,
            _E,
            "-808: the DoH server's name failed",
        ),
        Term(
            "ERR_DNS_NAME_HTTPS_ONLY",
            NET,
            _E,
            "-809: DNS marks the name HTTPS-only (http:// refused)",
        ),
        Term(
            "ERR_DNS_REQUEST_CANCELLED", NET, _E, "-810: all DNS requests of the job were cancelled"
        ),
        Term(
            "ERR_DNS_NO_MATCHING_SUPPORTED_ALPN",
            NET,
            _E,
            "-811: the HTTPS record has no supported ALPN",
        ),
    ),
)

CHROME_FETCH = Vocabulary(
    runtime="Chrome fetch() (Blink)",
    source="https://source.chromium.org/chromium/chromium/src/+/main:third_party/blink/renderer/"
    "core/fetch/fetch_manager.cc",
    note="FetchManager::Loader::Failed rejects with TypeError('Failed to fetch') for every "
    "network error, CORS refusals included; the net::ERR_ code goes to the console only "
    "(CHROMIUM_NET). Node's fetch says 'fetch failed' (NODE).",
    terms=(Term("Failed to fetch", NET, _P, "TypeError: Failed to fetch"),),
)

FIREFOX_FETCH = Vocabulary(
    runtime="Firefox fetch() (Gecko)",
    source="https://searchfox.org/mozilla-central/source/dom/bindings/Errors.msg",
    note="MSG_FETCH_FAILED: '{0}NetworkError when attempting to fetch resource.' (the {0} slot "
    "is normally empty), a TypeError; matched without the final period. Read from a copy of "
    "the line quoted in public code, not from the file itself.",
    terms=(
        Term(
            "NetworkError when attempting to fetch resource",
            NET,
            _P,
            "TypeError from fetch() on any network error",
        ),
    ),
)

SAFARI_FETCH = Vocabulary(
    runtime="Safari fetch() (WebKit)",
    source="https://github.com/WebKit/WebKit/blob/main/Source/WebCore/platform/network/"
    "ResourceErrorBase.h",
    note="ResourceErrorBase::sanitizedDescription() gives 'Load failed', the message of the "
    "TypeError fetch() rejects with (also FetchBody in Source/WebCore/Modules/fetch). The bare "
    "'Load failed' is left out as too generic (a local server's 'model load failed'): only "
    "the TypeError as it prints is matched.",
    terms=(Term("TypeError: Load failed", NET, _P, "fetch() network error, as printed"),),
)

AXIOS = Vocabulary(
    runtime="axios (JavaScript)",
    source="https://github.com/axios/axios/blob/v1.x/lib/core/AxiosError.js",
    note="The codes are AxiosError's constants; the messages are from lib/adapters/xhr.js and "
    "lib/adapters/http.js: 'Network Error' (ERR_NETWORK, XHR onerror), 'timeout of <N>ms "
    "exceeded' or 'timeout exceeded' (code ECONNABORTED, or ETIMEDOUT with "
    "transitional.clarifyTimeoutError). ECONNABORTED, ETIMEDOUT and ECONNREFUSED are "
    "POSIX_ERRNO's terms (there ECONNABORTED is network; axios's timeout is told by its "
    "message). Left out as the caller's: ERR_CANCELED ('canceled', an AbortSignal or "
    "CancelToken) and 'Request aborted'; left out as not transport: ERR_BAD_RESPONSE, "
    "ERR_BAD_REQUEST (a response's status), ERR_BAD_OPTION*, ERR_DEPRECATED, ERR_NOT_SUPPORT, "
    "ERR_INVALID_URL, ERR_FR_TOO_MANY_REDIRECTS, ERR_FORM_DATA_DEPTH_EXCEEDED.",
    terms=(
        Term("ERR_NETWORK", NET, _E, "AxiosError.ERR_NETWORK: no response"),
        Term("Network Error", NET, _P, "ERR_NETWORK's message (XHR onerror)"),
        Term("timeout of", TMO, _P, "'timeout of <N>ms exceeded' (config.timeout)"),
        Term("timeout exceeded", TMO, _P, "the timeout message when no timeout is configured"),
    ),
)

DIO = Vocabulary(
    runtime="Dio (Dart, Flutter)",
    source="https://github.com/cfug/dio/blob/main/dio/lib/src/dio_exception.dart",
    note="DioExceptionType names and messages as DioException.toString prints them: "
    "'DioException [connection timeout]: The request connection took longer than 0:00:30 "
    "and it was aborted. ...'. dio 5.0-5.1 printed 'DioError [...]' with the same texts "
    "(dio/lib/src/dio_error.dart); 'Connecting timed out [<N>ms]' is the io adapter's error "
    "(dio/lib/src/adapters/io_adapter.dart), DioErrorType.connectTimeout dio 4's name. Left "
    "out: badResponse (a response came: its status decides), cancel ('The request was "
    "manually cancelled by the user.', the caller's), unknown, and the class DioException "
    "(every dio error).",
    terms=(
        Term("DioExceptionType.connectionTimeout", TMO, _E, "connect deadline passed"),
        Term("DioErrorType.connectionTimeout", TMO, _E, "dio 5.0-5.1 name"),
        Term("DioErrorType.connectTimeout", TMO, _E, "dio 4 name"),
        Term("DioExceptionType.sendTimeout", TMO, _E, "send deadline passed"),
        Term("DioErrorType.sendTimeout", TMO, _E, "dio 4-5.1 name"),
        Term("DioExceptionType.receiveTimeout", TMO, _E, "receive deadline passed"),
        Term("DioErrorType.receiveTimeout", TMO, _E, "dio 4-5.1 name"),
        Term("DioExceptionType.badCertificate", NET, _E, "the certificate was not approved"),
        Term("DioExceptionType.connectionError", NET, _E, "xhr.onError or a SocketException"),
        Term("DioErrorType.connectionError", NET, _E, "dio 5.0-5.1 name"),
        Term("[connection timeout]", TMO, _P, "toString: 'DioException [connection timeout]:'"),
        Term("[send timeout]", TMO, _P, "toString: 'DioException [send timeout]:'"),
        Term("[receive timeout]", TMO, _P, "toString: 'DioException [receive timeout]:'"),
        Term("[bad certificate]", NET, _P, "toString: 'DioException [bad certificate]:'"),
        Term("[connection error]", NET, _P, "toString: 'DioException [connection error]:'"),
        Term(
            "The request connection took longer than",
            TMO,
            _P,
            "connectionTimeout message: '... than <timeout> and it was aborted.'",
        ),
        Term(
            "The request took longer than",
            TMO,
            _P,
            "sendTimeout/receiveTimeout: '... than <timeout> to send/receive data.'",
        ),
        Term("Connecting timed out", TMO, _P, "io adapter: 'Connecting timed out [<N>ms]'"),
        Term(
            "The certificate of the response is not approved",
            NET,
            _P,
            "badCertificate message",
        ),
        Term(
            "The connection errored:", NET, _P, "connectionError: 'The connection errored: <why>'"
        ),
    ),
)

SPRING = Vocabulary(
    runtime="Spring Framework (RestTemplate, RestClient; Spring AI's clients)",
    source="https://github.com/spring-projects/spring-framework/blob/main/spring-web/src/main/"
    "java/org/springframework/web/client/RestTemplate.java",
    note="RestTemplate.doExecute and DefaultRestClient wrap an IOException as "
    'ResourceAccessException("I/O error on " + method + " request for \\"" + url + ...): no '
    "response came; the cause (UnknownHostException, SSLException, ...) follows in the text.",
    terms=(
        Term("ResourceAccessException", NET, _C, "an I/O error before any response"),
        Term("I/O error on GET request for", NET, _P, "RestTemplate, RestClient"),
        Term("I/O error on POST request for", NET, _P, "RestTemplate, RestClient"),
        Term(
            "Unsupported or unrecognized SSL message",
            NET,
            _P,
            "JDK SSLException: TLS to a plain-HTTP port",
        ),
    ),
)

VOCABULARIES: tuple[Vocabulary, ...] = (
    POSIX_ERRNO,
    GETADDRINFO_GLIBC,
    GETADDRINFO_BSD,
    WINSOCK,
    PYTHON_STDLIB,
    PYTHON_HTTPX,
    PYTHON_REQUESTS,
    PYTHON_AIOHTTP,
    NODE,
    NODE_UNDICI,
    GO_NET_HTTP,
    JAVA_JDK,
    OKHTTP,
    RUST_REQWEST,
    DART,
    LIBCURL,
    GRPC,
    ENVOY,
    NGINX,
    CLOUDFLARE,
    HTTP_PROXY,
    CHROMIUM_NET,
    CHROME_FETCH,
    FIREFOX_FETCH,
    SAFARI_FETCH,
    AXIOS,
    DIO,
    SPRING,
)
