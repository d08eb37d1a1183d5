#include "core/kernels/fused_topk.h"

#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>

#include <algorithm>
#include <climits>

#include "core/kernels/fused_topk_kernel.cuh"

namespace moezoo::core::kernels {
namespace {

using namespace device_code;  // the kernel (fused_topk_kernel.cuh)

template <typename scalar_t, int VPT>
void launch(const at::Tensor& logits, const float* bias, const KernelParams& kp, float* probs, int64_t* indices,
            scalar_t* weights, bool* keep, unsigned long long* histogram, cudaStream_t stream) {
  const int64_t T = logits.size(0);
  const int E = static_cast<int>(logits.size(1));
  fused_topk_kernel<scalar_t, VPT>
      <<<static_cast<unsigned>(topk_blocks(T)), kTokensPerBlock * kWarp, topk_shared_bytes(E), stream>>>(
      logits.data_ptr<scalar_t>(), bias, T, E, kp, probs, indices, weights, keep, histogram);
  C10_CUDA_KERNEL_LAUNCH_CHECK();
}

}  // namespace

bool fused_topk_supported(const at::Tensor& logits, const FusedTopKParams& p) {
  const auto dtype = logits.scalar_type();
  return logits.is_cuda() && logits.dim() == 2 &&
         (dtype == at::kFloat || dtype == at::kHalf || dtype == at::kBFloat16) && logits.size(1) >= 1 &&
         logits.size(1) <= kFusedTopKMaxExperts && p.k >= 1 && p.k <= kFusedTopKMaxK && p.k <= logits.size(1) &&
         (p.n_group <= 1 || (p.n_group <= kFusedTopKMaxGroups && logits.size(1) % p.n_group == 0 &&
                             p.topk_group >= 1 && p.topk_group <= p.n_group &&
                             // the kept groups must hold k experts
                             p.k <= p.topk_group * (logits.size(1) / p.n_group)));
}

void fused_topk_out(const at::Tensor& logits, const at::Tensor& bias, const FusedTopKParams& params,
                    at::Tensor& indices, at::Tensor& tokens_per_expert, at::Tensor& probs, at::Tensor& weights,
                    at::Tensor& keep_mask) {
  TORCH_CHECK(fused_topk_supported(logits, params), "fused_topk_out: unsupported logits ", logits.sizes(), " ",
              logits.scalar_type(), " or options");
  TORCH_CHECK(logits.is_contiguous(), "fused_topk_out: logits must be contiguous");
  const int64_t T = logits.size(0), E = logits.size(1), k = params.k;
  const auto on_device = [&](const at::Tensor& t) { return t.device() == logits.device() && t.is_contiguous(); };
  if (bias.defined())
    TORCH_CHECK(on_device(bias) && bias.scalar_type() == at::kFloat && bias.dim() == 1 && bias.size(0) == E,
                "fused_topk_out: bias must be a contiguous float32 [E] on the logits' device");
  TORCH_CHECK(on_device(indices) && indices.scalar_type() == at::kLong && indices.dim() == 2 &&
                  indices.size(0) == T && indices.size(1) == k,
              "fused_topk_out: indices must be a contiguous int64 [T, k]");
  TORCH_CHECK(on_device(tokens_per_expert) && tokens_per_expert.scalar_type() == at::kLong &&
                  tokens_per_expert.dim() == 1 && tokens_per_expert.size(0) == E,
              "fused_topk_out: tokens_per_expert must be a contiguous int64 [E]");
  if (probs.defined())
    TORCH_CHECK(on_device(probs) && probs.scalar_type() == at::kFloat && probs.sizes() == logits.sizes(),
                "fused_topk_out: probs must be a contiguous float32 [T, E]");
  if (weights.defined())
    TORCH_CHECK(on_device(weights) && weights.scalar_type() == logits.scalar_type() && weights.sizes() == indices.sizes(),
                "fused_topk_out: weights must be a contiguous [T, k] of the logits' dtype");

  if (keep_mask.defined())
    TORCH_CHECK(on_device(keep_mask) && keep_mask.scalar_type() == at::kBool && keep_mask.sizes() == indices.sizes(),
                "fused_topk_out: keep_mask must be a contiguous bool [T, k]");

  const c10::cuda::CUDAGuard guard(logits.device());
  const cudaStream_t stream = at::cuda::getCurrentCUDAStream();
  C10_CUDA_CHECK(cudaMemsetAsync(tokens_per_expert.data_ptr<int64_t>(), 0, sizeof(int64_t) * E, stream));
  if (T == 0) return;

  KernelParams kp{};
  kp.k = static_cast<int>(k);
  kp.n_group = static_cast<int>(std::max<int64_t>(1, params.n_group));
  kp.topk_group = static_cast<int>(params.topk_group);
  kp.sigmoid = params.sigmoid;
  kp.normalize = params.normalize;
  kp.group_top2 = params.group_top2;
  kp.scaling = static_cast<float>(params.scaling);
  const float* bias_p = bias.defined() ? bias.data_ptr<float>() : nullptr;
  float* probs_p = probs.defined() ? probs.data_ptr<float>() : nullptr;
  int64_t* idx_p = indices.data_ptr<int64_t>();
  bool* keep_p = keep_mask.defined() ? keep_mask.data_ptr<bool>() : nullptr;
  auto* hist_p = reinterpret_cast<unsigned long long*>(tokens_per_expert.data_ptr<int64_t>());
  const auto run = [&](auto tag) {
    using scalar_t = decltype(tag);
    scalar_t* w_p = weights.defined() ? weights.data_ptr<scalar_t>() : nullptr;
    if (E <= 32) launch<scalar_t, 1>(logits, bias_p, kp, probs_p, idx_p, w_p, keep_p, hist_p, stream);
    else if (E <= 64) launch<scalar_t, 2>(logits, bias_p, kp, probs_p, idx_p, w_p, keep_p, hist_p, stream);
    else if (E <= 128) launch<scalar_t, 4>(logits, bias_p, kp, probs_p, idx_p, w_p, keep_p, hist_p, stream);
    else launch<scalar_t, 8>(logits, bias_p, kp, probs_p, idx_p, w_p, keep_p, hist_p, stream);
  };
  switch (logits.scalar_type()) {
    case at::kFloat: run(float{}); break;
    case at::kHalf: run(c10::Half{}); break;
    default: run(c10::BFloat16{}); break;  // fused_topk_supported admits no other dtype
  }
}

}  // namespace moezoo::core::kernels
