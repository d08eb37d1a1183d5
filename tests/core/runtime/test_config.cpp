#include <gtest/gtest.h>

#include <fstream>

#include "core/runtime/config.h"
#include "core/runtime/registry.h"
#include "core/util/error.h"
#include "tests/support/test_data.h"

using namespace moezoo;
using runtime::Config;

namespace {
void write(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Config, IncludesMergeDeeplyAndLaterFilesWin) {
  const auto dir = moezoo::testing::temp_dir("config");
  std::filesystem::create_directories(dir / "base");
  write(dir / "base" / "train.yaml", "train:\n  lr: 0.1\n  epochs: 5\n  optimizer: sgd\n");
  write(dir / "base" / "model.yaml", "model:\n  router: {k: 2, kind: topk}\n");
  write(dir / "run.yaml", "include: [base/train.yaml, base/model.yaml]\ntrain:\n  lr: 0.01\nmodel:\n  router:\n    k: 1\n");
  Config c = Config::load(dir / "run.yaml");
  EXPECT_DOUBLE_EQ(c.get<double>("train.lr"), 0.01);
  EXPECT_EQ(c.get<int64_t>("train.epochs"), 5);
  EXPECT_EQ(c.get<std::string>("train.optimizer"), "sgd");
  EXPECT_EQ(c.get<int>("model.router.k"), 1);
  EXPECT_EQ(c.at("model").at("router").get<std::string>("kind"), "topk");
  EXPECT_FALSE(c.has("include"));
}

TEST(Config, IncludeCycleAndMissingFileAreErrors) {
  const auto dir = moezoo::testing::temp_dir("config");
  write(dir / "a.yaml", "include: b.yaml\n");
  write(dir / "b.yaml", "include: a.yaml\n");
  EXPECT_NE(error_of([&] { Config::load(dir / "a.yaml"); }).find("include cycle"), std::string::npos);
  EXPECT_NE(error_of([&] { Config::load(dir / "nope.yaml"); }).find("nope.yaml: config file not found"), std::string::npos);
  write(dir / "bad.yaml", "train: [1, 2\n");
  EXPECT_NE(error_of([&] { Config::load(dir / "bad.yaml"); }).find("invalid YAML at line"), std::string::npos);
}

TEST(Config, DottedOverridesParseYamlValues) {
  Config c = Config::from_string("train:\n  lr: 0.1\n");
  c.set_overrides({"train.lr=3e-4", "model.router.k=1", "train.bf16=true", "data.sizes=[1, 2, 3]", "train.optimizer=sgd"});
  EXPECT_DOUBLE_EQ(c.get<double>("train.lr"), 3e-4);
  EXPECT_EQ(c.get<int64_t>("model.router.k"), 1);
  EXPECT_TRUE(c.get<bool>("train.bf16"));
  EXPECT_EQ(c.get<std::vector<int64_t>>("data.sizes"), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(c.get<std::string>("train.optimizer"), "sgd");
  EXPECT_NE(error_of([&] { c.set_override("train.lr"); }).find("expected key=value"), std::string::npos);
  EXPECT_NE(error_of([&] { c.set_override("train.lr.x=1"); }).find("'train.lr' is a value, not a section"), std::string::npos);
}

TEST(Config, TypedGettersDefaultsAndTypeErrors) {
  Config c = Config::from_string("train:\n  lr: fast\n  epochs: 3\n", "run.yaml");
  EXPECT_EQ(c.get<int64_t>("train.epochs", 10), 3);
  EXPECT_EQ(c.get<int64_t>("train.warmup", 7), 7);
  EXPECT_EQ(c.get("train.name", "x"), "x");
  EXPECT_EQ(error_of([&] { c.get<double>("train.lr"); }), "config key 'train.lr': expected a number, got 'fast'");
  EXPECT_NE(error_of([&] { c.get<double>("train.missing"); }).find("'train.missing' is required but missing in run.yaml"),
            std::string::npos);
  // Defaults that were used appear in the resolved configuration.
  Config again = Config::from_string(c.to_yaml());
  EXPECT_EQ(again.get<int64_t>("train.warmup"), 7);
}

TEST(Config, UnknownKeysAreNamedWithTheClosestValidKey) {
  Config c = Config::from_string("train:\n  lr: 0.1\n  epochs: 2\nmodel:\n  router:\n    k: 2\n", "cora.yaml");
  c.set_override("train.lrr=0.2");
  (void)c.get<double>("train.lr");
  (void)c.get<int64_t>("train.epochs");
  (void)c.get<int64_t>("model.router.k");
  EXPECT_EQ(error_of([&] { c.check_all_keys_used(); }), "unknown config key 'train.lrr' in cora.yaml (did you mean 'train.lr'?)");

  Config ok = Config::from_string("train:\n  lr: 0.1\n");
  (void)ok.get<double>("train.lr");
  EXPECT_NO_THROW(ok.check_all_keys_used());
}

TEST(Config, SavedConfigRoundTrips) {
  const auto dir = moezoo::testing::temp_dir("config");
  Config c = Config::from_string("a:\n  b: 1\n  c: [x, y]\n");
  c.set_override("a.d=2.5");
  c.save(dir / "resolved.yaml");
  Config back = Config::load(dir / "resolved.yaml");
  EXPECT_EQ(back.get<int64_t>("a.b"), 1);
  EXPECT_EQ(back.get<std::vector<std::string>>("a.c"), (std::vector<std::string>{"x", "y"}));
  EXPECT_DOUBLE_EQ(back.get<double>("a.d"), 2.5);
}

TEST(Registry, LooksUpByNameAndSuggestsOnUnknownNames) {
  using Factory = std::function<int()>;
  runtime::Registry<Factory> models("model", {{"gcn", "graph convolution", [] { return 1; }},
                                              {"gat", "graph attention", [] { return 2; }},
                                              {"geomoe", "geometric MoE", [] { return 3; }}});
  EXPECT_EQ(models.get("gat").factory(), 2);
  EXPECT_EQ(models.names(), (std::vector<std::string>{"gcn", "gat", "geomoe"}));
  EXPECT_TRUE(models.contains("geomoe"));
  EXPECT_EQ(error_of([&] { models.get("gcm"); }), "unknown model 'gcm' (did you mean 'gcn'?); known: gcn, gat, geomoe");
  EXPECT_NE(models.listing().find("geomoe  geometric MoE"), std::string::npos);
  EXPECT_THROW(runtime::Registry<Factory>("model", {{"a", "", [] { return 1; }}, {"a", "", [] { return 2; }}}), Error);
}
