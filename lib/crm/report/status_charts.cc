#include "crm/report/status_charts.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "crm/util/strings.h"

namespace crm::report {
namespace {

constexpr const char* k_success_colour = "#2e7d32";
constexpr const char* k_failure_colour = "#c62828";
constexpr const char* k_running_colour = "#1565c0";

/// A chart's plot area inside its SVG.
struct Frame {
  double width = 760;
  double height = 220;
  double left = 64;
  double right = 16;
  double top = 12;
  double bottom = 28;

  [[nodiscard]] double plot_width() const { return width - left - right; }
  [[nodiscard]] double plot_height() const { return height - top - bottom; }
  /// The y of `value` on a scale from 0 to `top_value`.
  [[nodiscard]] double y(double value, double top_value) const {
    return top + plot_height() * (1.0 - value / top_value);
  }
};

/// The smallest 1, 2 or 5 times a power of ten that is at least `value`
/// (at least 1): the top of a y axis.
std::int64_t axis_top(std::int64_t value) {
  std::int64_t step = 1;
  while (true) {
    for (const std::int64_t factor : {1, 2, 5}) {
      if (factor * step >= value) {
        return factor * step;
      }
    }
    step *= 10;
  }
}

std::string svg_open(const Frame& frame, std::string_view id,
                     std::string_view label) {
  return fmt::format(
      "<svg id=\"{}\" class=\"chart\" role=\"img\" aria-label=\"{}\" "
      "xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" "
      "width=\"{}\" height=\"{}\">\n",
      id, html_escape(label), frame.width, frame.height, frame.width,
      frame.height);
}

/// Grid lines and labels at 0, half and the top of the scale, and the
/// hour labels of every third bucket under the plot.
std::string hour_axes(const Frame& frame, std::int64_t top_value,
                      const std::vector<HourBucket>& hours) {
  std::string out;
  for (const std::int64_t value : {std::int64_t{0}, top_value / 2, top_value}) {
    const double y =
        frame.y(static_cast<double>(value), static_cast<double>(top_value));
    out += fmt::format(
        "<line class=\"grid\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" "
        "y2=\"{:.1f}\"/><text class=\"axis\" x=\"{}\" y=\"{:.1f}\" "
        "text-anchor=\"end\">{}</text>\n",
        frame.left, y, frame.width - frame.right, y, frame.left - 6, y + 4,
        value);
  }
  const double step = frame.plot_width() / static_cast<double>(hours.size());
  for (std::size_t i = 0; i < hours.size(); i += 3) {
    out += fmt::format(
        "<text class=\"axis\" x=\"{:.1f}\" y=\"{}\" "
        "text-anchor=\"middle\">{}</text>\n",
        frame.left + step * (static_cast<double>(i) + 0.5), frame.height - 8,
        html_escape(hours[i].label));
  }
  return out;
}

}  // namespace

std::string backlog_chart(const StatusHistory& history) {
  const Frame frame;
  std::int64_t highest = 0;
  for (const HourBucket& hour : history.hours) {
    highest = std::max(highest, hour.pending_at_end);
  }
  const std::int64_t top = axis_top(highest);
  std::string out = svg_open(frame, "backlog-chart",
                             "Pendentes ao fim de cada hora, últimas 24 h");
  out += hour_axes(frame, top, history.hours);
  const double step =
      frame.plot_width() / static_cast<double>(history.hours.size());
  std::string line;
  std::string points;
  for (std::size_t i = 0; i < history.hours.size(); ++i) {
    const HourBucket& hour = history.hours[i];
    const double x = frame.left + step * (static_cast<double>(i) + 0.5);
    const double y = frame.y(static_cast<double>(hour.pending_at_end),
                             static_cast<double>(top));
    line += fmt::format("{}{:.1f},{:.1f}", line.empty() ? "" : " ", x, y);
    points += fmt::format(
        "<circle class=\"point\" data-hour=\"{0}\" data-pending=\"{1}\" "
        "cx=\"{2:.1f}\" cy=\"{3:.1f}\" r=\"3.5\" fill=\"{4}\"><title>{0}: "
        "{1} pendentes</title></circle>\n",
        html_escape(hour.label), hour.pending_at_end, x, y, k_running_colour);
  }
  out += fmt::format(
      "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" "
      "points=\"{}\"/>\n",
      k_running_colour, line);
  return out + points + "</svg>\n";
}

std::string throughput_chart(const StatusHistory& history) {
  const Frame frame;
  std::int64_t highest = 0;
  for (const HourBucket& hour : history.hours) {
    highest = std::max(highest, hour.succeeded + hour.given_up);
  }
  const auto top = static_cast<double>(axis_top(highest));
  std::string out =
      svg_open(frame, "throughput-chart", "Concluídos por hora, últimas 24 h");
  out += hour_axes(frame, axis_top(highest), history.hours);
  const double step =
      frame.plot_width() / static_cast<double>(history.hours.size());
  for (std::size_t i = 0; i < history.hours.size(); ++i) {
    const HourBucket& hour = history.hours[i];
    const double x = frame.left + step * (static_cast<double>(i) + 0.15);
    const double base = frame.y(0, top);
    const double ok_top = frame.y(static_cast<double>(hour.succeeded), top);
    const double all_top =
        frame.y(static_cast<double>(hour.succeeded + hour.given_up), top);
    out += fmt::format(
        "<g class=\"bar\" data-hour=\"{0}\" data-succeeded=\"{1}\" "
        "data-given-up=\"{2}\"><title>{0}: {1} com sucesso, {2} "
        "desistidos</title>"
        "<rect x=\"{3:.1f}\" y=\"{4:.1f}\" width=\"{5:.1f}\" "
        "height=\"{6:.1f}\" fill=\"{7}\"/>"
        "<rect x=\"{3:.1f}\" y=\"{8:.1f}\" width=\"{5:.1f}\" "
        "height=\"{9:.1f}\" fill=\"{10}\"/></g>\n",
        html_escape(hour.label), hour.succeeded, hour.given_up, x, ok_top,
        step * 0.7, base - ok_top, k_success_colour, all_top, ok_top - all_top,
        k_failure_colour);
  }
  return out + "</svg>\n";
}

std::string failures_chart(const StatusData& data) {
  if (data.failures.empty()) {
    return {};
  }
  Frame frame;
  frame.left = 16;
  frame.height = frame.top + frame.bottom +
                 36.0 * static_cast<double>(data.failures.size());
  std::int64_t highest = 0;
  for (const FailureReason& reason : data.failures) {
    highest = std::max(highest, reason.total);
  }
  const auto top = static_cast<double>(axis_top(highest));
  std::string out =
      svg_open(frame, "failures-chart", "Falhas por motivo, últimas 24 h");
  double y = frame.top;
  for (const FailureReason& reason : data.failures) {
    const std::string text = html_escape(reason.reason);
    const std::string shown =
        html_escape(util::truncate_utf8(util::valid_utf8(reason.reason), 100));
    out += fmt::format(
        "<g class=\"reason\" data-reason=\"{0}\" data-total=\"{1}\">"
        "<title>{0}: {1}</title><rect x=\"{2}\" y=\"{3:.1f}\" "
        "width=\"{4:.1f}\" height=\"12\" fill=\"{5}\"/><text class=\"label\" "
        "x=\"{2}\" y=\"{6:.1f}\">{1} · {7}</text></g>\n",
        text, reason.total, frame.left, y + 18,
        std::max(2.0,
                 frame.plot_width() * static_cast<double>(reason.total) / top),
        k_failure_colour, y + 12, shown);
    y += 36;
  }
  return out + "</svg>\n";
}

namespace {

/// The programs with runs or failed runs, in name order.
std::vector<std::string> programs_of(const StatusHistory& history) {
  std::set<std::string> names;
  for (const RunSlot& slot : history.run_slots) {
    names.insert(slot.program);
  }
  for (const FailedRun& run : history.failed_runs) {
    names.insert(run.program);
  }
  return {names.begin(), names.end()};
}

std::string slot_rect(const Frame& frame, const RunSlot& slot, double lane_y) {
  const double width = frame.plot_width() / k_run_slots;
  const char* colour = slot.failed > 0    ? k_failure_colour
                       : slot.running > 0 ? k_running_colour
                                          : k_success_colour;
  const int minutes_ago = (k_run_slots - slot.slot) * 10;
  return fmt::format(
      "<rect class=\"slot\" data-program=\"{0}\" data-slot=\"{1}\" "
      "data-success=\"{2}\" data-failed=\"{3}\" data-running=\"{4}\" "
      "x=\"{5:.1f}\" y=\"{6:.1f}\" width=\"{7:.2f}\" height=\"14\" "
      "fill=\"{8}\"><title>{0}, de {9} a {10} min atrás: {2} com sucesso, "
      "{3} com erro ou abortadas, {4} em execução</title></rect>\n",
      html_escape(slot.program), slot.slot, slot.success, slot.failed,
      slot.running, frame.left + width * slot.slot, lane_y, width, colour,
      minutes_ago, minutes_ago - 10);
}

std::string failed_marker(const Frame& frame, const FailedRun& run,
                          double lane_y) {
  const double age =
      std::clamp(static_cast<double>(run.age_seconds), 0.0, 86400.0);
  const double x = frame.left + frame.plot_width() * (1.0 - age / 86400.0);
  return fmt::format(
      "<g class=\"failed-run\" data-id=\"{0}\" data-status=\"{1}\" "
      "data-program=\"{2}\"><title>#{0} {2} {1}, iniciada {3}: {4}</title>"
      "<path d=\"M {5:.1f} {6:.1f} l 6 11 h -12 z\" fill=\"{7}\" "
      "stroke=\"#fff\"/></g>\n",
      run.id, html_escape(run.status), html_escape(run.program),
      html_escape(run.started), html_escape(run.message), x, lane_y + 16,
      k_failure_colour);
}

}  // namespace

std::string runs_timeline(const StatusHistory& history) {
  const std::vector<std::string> programs = programs_of(history);
  Frame frame;
  frame.left = 120;
  frame.height =
      frame.top + frame.bottom + 34.0 * static_cast<double>(programs.size());
  std::string out =
      svg_open(frame, "runs-timeline", "Execuções por programa, últimas 24 h");
  for (std::size_t lane = 0; lane < programs.size(); ++lane) {
    const double lane_y = frame.top + 34.0 * static_cast<double>(lane);
    out += fmt::format(
        "<text class=\"axis\" x=\"{}\" y=\"{:.1f}\" "
        "text-anchor=\"end\">{}</text>\n",
        frame.left - 6, lane_y + 11, html_escape(programs[lane]));
    for (const RunSlot& slot : history.run_slots) {
      if (slot.program == programs[lane]) {
        out += slot_rect(frame, slot, lane_y);
      }
    }
    for (const FailedRun& run : history.failed_runs) {
      if (run.program == programs[lane]) {
        out += failed_marker(frame, run, lane_y);
      }
    }
  }
  for (int hours_ago = 24; hours_ago >= 0; hours_ago -= 6) {
    out += fmt::format(
        "<text class=\"axis\" x=\"{:.1f}\" y=\"{}\" "
        "text-anchor=\"middle\">{}</text>\n",
        frame.left + frame.plot_width() * (24 - hours_ago) / 24.0,
        frame.height - 8,
        hours_ago == 0 ? std::string("agora")
                       : fmt::format("-{} h", hours_ago));
  }
  return out + "</svg>\n";
}

}  // namespace crm::report
