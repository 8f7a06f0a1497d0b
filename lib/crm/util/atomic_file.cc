#include "crm/util/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "crm/core/errors.h"

namespace crm::util {

void write_file_atomically(const std::string& path, std::string_view content) {
  const std::string temporary = fmt::format("{}.tmp.{}", path, ::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    throw FatalError(
        fmt::format("{}: cannot create: {}", temporary, std::strerror(errno)));
  }
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n =
        ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      ::unlink(temporary.c_str());
      throw FatalError(
          fmt::format("{}: cannot write: {}", temporary, std::strerror(saved)));
    }
    written += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temporary.c_str());
    throw FatalError(fmt::format("{}: cannot rename into place: {}", path,
                                 std::strerror(saved)));
  }
}

}  // namespace crm::util
