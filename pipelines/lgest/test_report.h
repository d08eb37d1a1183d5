#pragma once
/// The test-set figures of a trained model, as HSI papers report them: OA, AA, kappa
/// and per-class accuracy from the confusion matrix of the test pixels, written next to
/// a run (test_metrics.csv, test_metrics.json, confusion.csv, plots/confusion.png) and
/// appended to its report.md.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "pipelines/lgest/patch_task.h"

namespace moezoo::pipelines::lgest {

/// Loads `checkpoint`'s weights into the task's model and scores the test pixels on
/// `device` (eval mode, no gradients).
PixelScores score_checkpoint_on_test(PatchClassificationTask& task, const std::filesystem::path& checkpoint,
                                     const c10::Device& device);

/// test_oa, test_aa, test_kappa, test_loss and test_acc/<class name> (NaN for a class
/// with no test pixel).
std::map<std::string, double> test_metrics(const PixelScores& scores, const std::vector<std::string>& class_names);

/// Writes the files listed above into `run_dir` and appends a "Test set" section to
/// run_dir/report.md (when it exists). `what` describes the scored weights ("best.pt").
void write_test_report(const std::filesystem::path& run_dir, const PixelScores& scores, const HsiData& data,
                       const std::string& model_name, const std::string& what);

}  // namespace moezoo::pipelines::lgest
