#include "core/dispatch/dispatch_plan.h"

#include <torch/torch.h>

#include <string>

#include "core/util/error.h"

namespace moezoo::core {

namespace {

std::string shape_of(const at::Tensor& t) {
  if (!t.defined()) return "undefined";
  std::string s = "[";
  for (int64_t d = 0; d < t.dim(); ++d) s += (d ? ", " : "") + std::to_string(t.size(d));
  return s + "]";
}

}  // namespace

void check_routing(const Routing& r, const char* where, bool check_indices) {
  const std::string w = where;
  check_input(r.expert_indices.defined() && r.expert_indices.dim() == 2, w,
              "routing.expert_indices must be [T, k], got " + shape_of(r.expert_indices));
  check_input(r.expert_indices.scalar_type() == at::kLong, w, "routing.expert_indices must be int64");
  check_input(r.keep_mask.defined() && r.keep_mask.sizes() == r.expert_indices.sizes(), w,
              "routing.keep_mask must be " + shape_of(r.expert_indices) + ", got " + shape_of(r.keep_mask));
  check_input(r.keep_mask.scalar_type() == at::kBool, w, "routing.keep_mask must be bool");
  check_input(r.combine_weights.defined() && r.combine_weights.sizes() == r.expert_indices.sizes(), w,
              "routing.combine_weights must be " + shape_of(r.expert_indices) + ", got " +
                  shape_of(r.combine_weights));
  check_input(r.combine_weights.is_floating_point(), w, "routing.combine_weights must be floating point");
  check_input(r.num_experts > 0, w, "routing.num_experts must be positive, got " + std::to_string(r.num_experts));
  if (check_indices && r.expert_indices.numel() > 0) {
    // Dropped slots may hold any index; only kept ones must name an expert.
    const at::Tensor kept = r.expert_indices.masked_select(r.keep_mask);
    if (kept.numel() > 0) {
      const int64_t lo = kept.min().item<int64_t>();
      const int64_t hi = kept.max().item<int64_t>();
      check_input(lo >= 0 && hi < r.num_experts, w,
                  "routing.expert_indices must lie in [0, " + std::to_string(r.num_experts) + "), got [" +
                      std::to_string(lo) + ", " + std::to_string(hi) + "]");
    }
  }
}

DispatchPlan make_dispatch_plan_cpu(const Routing& routing) {
  check_routing(routing, "make_dispatch_plan_cpu", /*check_indices=*/false);
  check_input(routing.expert_indices.device().is_cpu(), "make_dispatch_plan_cpu", "routing must be on the CPU");
  const int64_t T = routing.num_tokens(), k = routing.top_k(), E = routing.num_experts;
  const at::Tensor idx = routing.expert_indices.contiguous();
  const at::Tensor keep = routing.keep_mask.contiguous();
  const int64_t* idx_p = idx.data_ptr<int64_t>();
  const bool* keep_p = keep.data_ptr<bool>();

  DispatchPlan plan;
  plan.num_tokens = T;
  plan.top_k = k;
  plan.num_experts = E;
  plan.offsets.assign(E + 1, 0);
  for (int64_t s = 0; s < T * k; ++s) {
    if (!keep_p[s]) continue;
    check_input(idx_p[s] >= 0 && idx_p[s] < E, "make_dispatch_plan_cpu",
                "routing.expert_indices must lie in [0, " + std::to_string(E) + "), got " +
                    std::to_string(idx_p[s]) + " at slot (" + std::to_string(s / k) + ", " +
                    std::to_string(s % k) + ")");
    ++plan.offsets[idx_p[s] + 1];
  }
  for (int64_t e = 0; e < E; ++e) plan.offsets[e + 1] += plan.offsets[e];
  const int64_t A = plan.offsets[E];

  const auto opts = at::TensorOptions().dtype(at::kLong);
  plan.token_index = at::empty({A}, opts);
  plan.slot_index = at::empty({A}, opts);
  plan.slot_position = at::empty({T, k}, opts);
  int64_t* token_p = plan.token_index.data_ptr<int64_t>();
  int64_t* slot_p = plan.slot_index.data_ptr<int64_t>();
  int64_t* pos_p = plan.slot_position.data_ptr<int64_t>();
  // Visiting slots in token-major order and appending to each expert's bucket
  // is exactly a stable sort by expert.
  std::vector<int64_t> cursor(plan.offsets.begin(), plan.offsets.end() - 1);
  for (int64_t s = 0; s < T * k; ++s) {
    if (!keep_p[s]) {
      pos_p[s] = -1;
      continue;
    }
    const int64_t row = cursor[idx_p[s]]++;
    token_p[row] = s / k;
    slot_p[row] = s;
    pos_p[s] = row;
  }
  plan.expert_offsets = at::tensor(plan.offsets, opts);
  return plan;
}

DispatchPlan make_dispatch_plan_aten(const Routing& routing) {
  check_routing(routing, "make_dispatch_plan_aten");
  const int64_t T = routing.num_tokens(), k = routing.top_k(), E = routing.num_experts;
  const auto device = routing.expert_indices.device();
  // Dropped slots get key E so that they sort after every kept one.
  const at::Tensor keys =
      at::where(routing.keep_mask, routing.expert_indices, at::full({}, E, routing.expert_indices.options()))
          .reshape({-1});
  const at::Tensor order = std::get<1>(keys.sort(/*stable=*/true, /*dim=*/0, /*descending=*/false));
  const at::Tensor counts = at::bincount(keys, /*weights=*/{}, /*minlength=*/E + 1).narrow(0, 0, E);

  DispatchPlan plan;
  plan.num_tokens = T;
  plan.top_k = k;
  plan.num_experts = E;
  plan.expert_offsets = at::cat({at::zeros({1}, counts.options()), counts.cumsum(0)});
  const at::Tensor offsets_cpu = plan.expert_offsets.cpu();
  plan.offsets.assign(offsets_cpu.data_ptr<int64_t>(), offsets_cpu.data_ptr<int64_t>() + E + 1);
  const int64_t A = plan.offsets[E];

  plan.slot_index = order.narrow(0, 0, A).contiguous();
  plan.token_index = at::div(plan.slot_index, k, "floor");
  plan.slot_position = at::full({T * k}, -1, routing.expert_indices.options().device(device));
  plan.slot_position.index_put_({plan.slot_index}, at::arange(A, plan.slot_index.options()));
  plan.slot_position = plan.slot_position.view({T, k});
  return plan;
}

}  // namespace moezoo::core
