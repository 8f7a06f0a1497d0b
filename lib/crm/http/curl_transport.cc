#include "crm/http/curl_transport.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "crm/core/errors.h"

namespace crm::http {
namespace {

struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct MultiDeleter {
  void operator()(CURLM* handle) const { curl_multi_cleanup(handle); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;
using MultiPtr = std::unique_ptr<CURLM, MultiDeleter>;
using ListPtr = std::unique_ptr<curl_slist, ListDeleter>;

/// One transfer in flight; CURLOPT_PRIVATE points back here.
struct Transfer {
  std::uint64_t tag = 0;
  EasyPtr easy;
  ListPtr headers;
  std::string request_body;
  Response response;
  std::size_t max_body = 0;
  bool body_too_big = false;
  char error_buffer[CURL_ERROR_SIZE] = {};
};

std::size_t on_body(char* data, std::size_t size, std::size_t count,
                    void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (transfer->response.body.size() + bytes > transfer->max_body) {
    transfer->body_too_big = true;
    return 0;  // makes libcurl fail the transfer with CURLE_WRITE_ERROR
  }
  transfer->response.body.append(data, bytes);
  return bytes;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count,
                      void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  std::string_view line(data, bytes);
  if (line.starts_with("HTTP/")) {
    transfer->response.headers.clear();  // a new response (after 100, 3xx)
    return bytes;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    return bytes;
  }
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  auto value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' ||
                            value.back() == ' ')) {
    value.remove_suffix(1);
  }
  transfer->response.headers[name] = std::string(value);
  return bytes;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void check(CURLMcode code, const char* what) {
  if (code != CURLM_OK) {
    throw FatalError(
        fmt::format("http: {}: {}", what, curl_multi_strerror(code)));
  }
}

}  // namespace

struct CurlTransport::Impl {
  TransportOptions options;
  MultiPtr multi;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> transfers;
};

CurlTransport::CurlTransport(TransportOptions options)
    : m_impl(std::make_unique<Impl>()) {
  global_init();
  m_impl->options = std::move(options);
  m_impl->multi.reset(curl_multi_init());
  if (!m_impl->multi) {
    throw FatalError("http: curl_multi_init failed");
  }
  if (m_impl->options.max_host_connections > 0) {
    curl_multi_setopt(m_impl->multi.get(), CURLMOPT_MAX_HOST_CONNECTIONS,
                      m_impl->options.max_host_connections);
  }
}

CurlTransport::~CurlTransport() {
  for (auto& [easy, transfer] : m_impl->transfers) {
    curl_multi_remove_handle(m_impl->multi.get(), easy);
  }
}

void CurlTransport::start(std::uint64_t tag, const Request& request) {
  auto transfer = std::make_unique<Transfer>();
  transfer->tag = tag;
  transfer->max_body = m_impl->options.max_body_bytes;
  transfer->easy.reset(curl_easy_init());
  if (!transfer->easy) {
    throw FatalError("http: curl_easy_init failed");
  }
  CURL* easy = transfer->easy.get();
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::max<long long>(
                       1, request.connect_timeout.count())));
  curl_easy_setopt(
      easy, CURLOPT_TIMEOUT_MS,
      static_cast<long>(std::max<long long>(1, request.timeout.count())));
  curl_easy_setopt(easy, CURLOPT_USERAGENT, m_impl->options.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  // A Content-Length above the cap fails at the headers, before any body is
  // read; the write callback still guards bodies of unknown length.
  curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(m_impl->options.max_body_bytes));
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, transfer.get());
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error_buffer);
  curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());

  curl_slist* list = nullptr;
  for (const auto& [name, value] : request.headers) {
    list = curl_slist_append(list, fmt::format("{}: {}", name, value).c_str());
  }
  // No "Expect: 100-continue": it costs a round trip (or a 1 s wait) per POST.
  list = curl_slist_append(list, "Expect:");
  transfer->headers.reset(list);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);

  if (request.method == "GET") {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else {
    transfer->request_body = request.body;
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, transfer->request_body.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(transfer->request_body.size()));
  }
  check(curl_multi_add_handle(m_impl->multi.get(), easy), "add transfer");
  m_impl->transfers.emplace(easy, std::move(transfer));
}

std::size_t CurlTransport::active() const { return m_impl->transfers.size(); }

void CurlTransport::idle(std::chrono::milliseconds duration) {
  const int timeout_ms =
      static_cast<int>(std::clamp<long long>(duration.count(), 0, 1000));
  // Without transfers or extra descriptors, curl_multi_poll waits the timeout.
  check(curl_multi_poll(m_impl->multi.get(), nullptr, 0, timeout_ms, nullptr),
        "poll");
}

std::vector<Completion> CurlTransport::wait(
    std::chrono::milliseconds max_wait) {
  std::vector<Completion> done;
  if (m_impl->transfers.empty()) {
    return done;
  }
  CURLM* multi = m_impl->multi.get();
  int running = 0;
  check(curl_multi_perform(multi, &running), "perform");
  if (running > 0 && running == static_cast<int>(m_impl->transfers.size())) {
    const int timeout_ms =
        static_cast<int>(std::clamp<long long>(max_wait.count(), 0, 1000));
    check(curl_multi_poll(multi, nullptr, 0, timeout_ms, nullptr), "poll");
    check(curl_multi_perform(multi, &running), "perform");
  }
  int queued = 0;
  while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
    if (message->msg != CURLMSG_DONE) {
      continue;
    }
    CURL* easy = message->easy_handle;
    const CURLcode result = message->data.result;
    curl_multi_remove_handle(multi, easy);
    auto node = m_impl->transfers.extract(easy);
    Transfer& transfer = *node.mapped();
    Response& response = transfer.response;
    double total_seconds = 0;
    curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME, &total_seconds);
    response.elapsed =
        std::chrono::milliseconds(static_cast<long long>(total_seconds * 1000));
    if (result == CURLE_OK) {
      long status = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
      response.status = static_cast<int>(status);
    } else {
      response.status = 0;
      response.timed_out = result == CURLE_OPERATION_TIMEDOUT;
      response.unreachable = result == CURLE_COULDNT_RESOLVE_HOST ||
                             result == CURLE_COULDNT_RESOLVE_PROXY ||
                             result == CURLE_COULDNT_CONNECT ||
                             result == CURLE_SSL_CONNECT_ERROR ||
                             result == CURLE_PEER_FAILED_VERIFICATION ||
                             result == CURLE_SSL_CERTPROBLEM;
      if (transfer.body_too_big || result == CURLE_FILESIZE_EXCEEDED) {
        response.transfer_error = fmt::format(
            "response body larger than {} bytes", transfer.max_body);
      } else {
        const std::string detail = transfer.error_buffer;
        response.transfer_error =
            detail.empty() ? std::string(curl_easy_strerror(result)) : detail;
      }
      response.body.clear();
    }
    done.push_back({transfer.tag, std::move(response)});
  }
  return done;
}

Response perform(const Request& request) {
  CurlTransport transport;
  transport.start(0, request);
  while (true) {
    for (auto& completion : transport.wait(std::chrono::milliseconds(1000))) {
      return std::move(completion.response);
    }
  }
}

}  // namespace crm::http
