#include "core/report/markdown.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace moezoo::report {
namespace {

TEST(Markdown, TableEscapesPipesAndPadsRows) {
  EXPECT_EQ(markdown_table({"model", "acc"}, {{"GeoMoE|v2", "0.81"}, {"LGEST"}}),
            "| model | acc |\n"
            "| --- | --- |\n"
            "| GeoMoE\\|v2 | 0.81 |\n"
            "| LGEST |  |\n");
  EXPECT_EQ(markdown_table({"a"}, {{"1", "two\nlines"}}),
            "| a |  |\n"
            "| --- | --- |\n"
            "| 1 | two<br>lines |\n");
  EXPECT_EQ(markdown_table({}, {}), "");
}

TEST(Markdown, ReportBuildsBlocksInOrder) {
  MarkdownReport report;
  report.add_heading(1, "GeoMoE on Cora");
  report.add_paragraph("Best val acc **0.812** at step 400.");
  report.add_table({"metric", "value"}, {{"loss", format_number(0.123456)}});
  report.add_image("loss curve", "plots/loss.png");
  report.add_image("load [layer 0]", "plots/expert load.png");
  report.add_heading(9, "clamped");
  report.add_code_block("model:\n  k: 2\n", "yaml");
  EXPECT_EQ(report.str(),
            "# GeoMoE on Cora\n\n"
            "Best val acc **0.812** at step 400.\n\n"
            "| metric | value |\n| --- | --- |\n| loss | 0.1235 |\n\n"
            "![loss curve](plots/loss.png)\n\n"
            "![load \\[layer 0\\]](<plots/expert load.png>)\n\n"
            "###### clamped\n\n"
            "```yaml\nmodel:\n  k: 2\n```\n\n");
}

TEST(Markdown, CodeFenceOutgrowsBackticksInside) {
  MarkdownReport report;
  report.add_code_block("a ```` b");
  EXPECT_EQ(report.str(), "`````\na ```` b\n`````\n\n");
}

TEST(Markdown, WriteIsAtomicAndReplacesTheFile) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "moezoo_markdown_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / "report.md";
  { std::ofstream(path) << "stale report that is longer than the new one"; }
  MarkdownReport report;
  report.add_heading(2, "Run");
  report.write(path);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "## Run\n\n");
  const auto entries = std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator());
  EXPECT_EQ(entries, 1) << "a temporary file was left";
  report.write(dir / "plots" / "nested.md");  // the folder is created
  EXPECT_TRUE(std::filesystem::exists(dir / "plots" / "nested.md"));
  EXPECT_THROW(report.write(dir / "report.md" / "under_a_file.md"), std::runtime_error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace moezoo::report
