#include <gtest/gtest.h>

#include <cmath>

#include "core/runtime/lr_schedule.h"
#include "core/runtime/metrics_table.h"
#include "core/runtime/progress.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "tests/support/test_data.h"

using namespace moezoo;

TEST(LrSchedule, CosineWithWarmupHitsItsKnots) {
  runtime::LrSchedule s;
  s.kind = "cosine";
  s.base_lr = 1.0;
  s.total_steps = 110;
  s.warmup_steps = 10;
  s.min_lr_ratio = 0.1;
  EXPECT_DOUBLE_EQ(s.at(0), 0.1);
  EXPECT_DOUBLE_EQ(s.at(9), 1.0);
  EXPECT_DOUBLE_EQ(s.at(10), 1.0);
  EXPECT_NEAR(s.at(60), 0.1 + 0.9 * 0.5, 1e-12);  // half way: cos(pi/2) = 0
  EXPECT_NEAR(s.at(110), 0.1, 1e-12);
  EXPECT_NEAR(s.at(500), 0.1, 1e-12);
}

TEST(LrSchedule, StepDecay) {
  runtime::LrSchedule s;
  s.kind = "step";
  s.base_lr = 0.5;
  s.step_size = 10;
  s.gamma = 0.1;
  EXPECT_DOUBLE_EQ(s.at(9), 0.5);
  EXPECT_NEAR(s.at(10), 0.05, 1e-15);
  EXPECT_NEAR(s.at(25), 0.005, 1e-15);
}

TEST(MetricsTable, CsvRoundTripWithSparseRowsAndTruncation) {
  const auto dir = moezoo::testing::temp_dir("metrics");
  runtime::MetricsTable t;
  t.add(10, {{"loss", 0.5}, {"lr", 1e-3}});
  t.add(10, {{"val/acc", 0.75}});
  t.add(20, {{"loss", 0.25}, {"lr", 5e-4}});
  EXPECT_EQ(t.to_csv(), "step,loss,lr,val/acc\n10,0.5,0.001,\n10,,,0.75\n20,0.25,0.0005,\n");
  t.write_csv(dir / "m.csv");
  auto back = runtime::MetricsTable::read_csv(dir / "m.csv");
  EXPECT_EQ(back.to_csv(), t.to_csv());
  back.truncate_after(10);
  EXPECT_EQ(back.size(), 2u);
  EXPECT_EQ(*back.last("loss"), 0.5);

  write_file_atomically(dir / "bad.csv", "step,loss\n10,abc\n");
  try {
    runtime::MetricsTable::read_csv(dir / "bad.csv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:2: 'abc' is not a number"), std::string::npos) << e.what();
  }
}

TEST(Progress, PlainLinesWhenNotATerminal) {
  const auto dir = moezoo::testing::temp_dir("progress");
  const auto path = dir / "log.txt";
  std::FILE* f = std::fopen(path.c_str(), "w");
  {
    runtime::Progress p(10, 0, 5, /*allow_bar=*/true, f);
    EXPECT_FALSE(p.is_bar());
    for (int s = 1; s <= 10; ++s) p.update(s, 0.5, 1e-3);
    p.message("eval done");
    p.finish();
  }
  std::fclose(f);
  const auto text = read_file_bytes(path);
  EXPECT_NE(text.find("step 5/10  50%"), std::string::npos) << text;
  EXPECT_NE(text.find("step 10/10 100%"), std::string::npos) << text;
  EXPECT_NE(text.find("loss 0.5 lr 0.001"), std::string::npos) << text;
  EXPECT_EQ(text.find("step 3/10"), std::string::npos) << text;
  EXPECT_EQ(runtime::format_duration(3725), "1:02:05");
  EXPECT_EQ(runtime::format_duration(65), "01:05");
}
