#include "core/report/csv.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "core/util/error.h"

namespace moezoo::report {
namespace {

using Rows = std::vector<std::vector<std::string>>;

TEST(Csv, QuotesOnlyWhereAFieldMustBe) {
  EXPECT_EQ(csv_field("plain text"), "plain text");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
}

TEST(Csv, ParsesQuotedFieldsLineEndingsAndBlankLines) {
  const CsvTable t = parse_csv("name,value\r\n\"a,b\",1\n\n\"say \"\"hi\"\"\",\"two\nlines\"\nlast,\n", "t.csv");
  EXPECT_EQ(t.header, (std::vector<std::string>{"name", "value"}));
  EXPECT_EQ(t.rows, (Rows{{"a,b", "1"}, {"say \"hi\"", "two\nlines"}, {"last", ""}}));
  EXPECT_EQ(t.lines, (std::vector<int64_t>{2, 4, 6}));
  EXPECT_EQ(t.column("value"), 1u);
  EXPECT_THROW(t.column("missing"), moezoo::Error);
}

TEST(Csv, WhatItWritesReadsBack) {
  const std::vector<std::string> fields{"x", "1,2", "\"q\"", "", "a\nb", "plain"};
  std::string text = "c0,c1,c2,c3,c4,c5\n";
  for (size_t i = 0; i < fields.size(); ++i) text += (i ? "," : "") + csv_field(fields[i]);
  const CsvTable t = parse_csv(text, "round.csv");  // no final line break
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0], fields);
}

std::string error_of(const std::string& text) {
  try {
    parse_csv(text, "bad.csv");
  } catch (const moezoo::Error& e) {
    return e.what();
  }
  return "";
}

TEST(Csv, ByteOrderMarkAndLineBreaksInsideQuotes) {
  const CsvTable t = parse_csv("\xEF\xBB\xBFkey,text\r\n1,\"a\r\nb\"\r\n2,c\r\n", "bom.csv");
  EXPECT_EQ(t.header, (std::vector<std::string>{"key", "text"}));
  EXPECT_EQ(t.rows, (Rows{{"1", "a\r\nb"}, {"2", "c"}}));
  EXPECT_EQ(t.lines, (std::vector<int64_t>{2, 4}));
}

TEST(Csv, NumbersReadBackExactly) {
  for (double v : {0.1 + 0.2, 1.0 / 3.0, 94.42, 1e-300, -0.0, 123456789.125}) {
    const std::string text = csv_number(v);
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), v) << text;
  }
  EXPECT_EQ(csv_number(0.5), "0.5");
  EXPECT_EQ(csv_number(std::nan("")), "nan");
}

TEST(Csv, MalformedTextNamesTheFileAndLine) {
  EXPECT_EQ(error_of("a,b\n1,2\n3\n"), "bad.csv:3: 1 fields, but the header has 2");
  EXPECT_EQ(error_of("a,b\n1,\"open\n"), "bad.csv:2: a quoted field is not closed");
  EXPECT_EQ(error_of("a,b\n1,x\"y\n"), "bad.csv:2: a quote inside an unquoted field (quote the whole field)");
  EXPECT_EQ(error_of("a,b\n\"1\"2,3\n"), "bad.csv:2: text after a closing quote");
  EXPECT_EQ(error_of(""), "bad.csv: no header row (empty file)");
  EXPECT_THROW(read_csv("/nonexistent/results.csv"), moezoo::Error);
}

}  // namespace
}  // namespace moezoo::report
