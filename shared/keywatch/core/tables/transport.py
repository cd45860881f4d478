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
    "'[Errno 11001] getaddrinfo failed'); the page's own short titles repeat the POSIX names.",
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
)
