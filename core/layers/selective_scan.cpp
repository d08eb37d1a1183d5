#include "core/layers/selective_scan.h"

#include <torch/torch.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "core/util/error.h"
#if MOEZOO_WITH_CUDA
#include "core/kernels/selective_scan_cuda.h"
#endif

namespace moezoo::core {
namespace {

at::Tensor scan_from_zero(const at::Tensor& a, const at::Tensor& b);

// One level of odd-even recursive doubling for length >= 2, from h_{-1} = 0.
// Positions pair up as (2i, 2i+1); the composed pair
//   (a_2i, b_2i) then (a_2i+1, b_2i+1) = (a_2i + a_2i+1, exp(a_2i+1) b_2i + b_2i+1)
// is one step of a half-length problem whose states are the odd-position states;
// each even state then follows from the odd state before it:
//   h_2i = exp(a_2i) h_2i-1 + b_2i.
// An odd length leaves the last position unpaired (it is even).
// Returns the states at even positions [Bt, ceil(L/2), ...] and at odd ones [Bt, L/2, ...].
std::pair<at::Tensor, at::Tensor> scan_even_odd(const at::Tensor& a, const at::Tensor& b) {
  const int64_t length = a.size(1);
  const int64_t n_odd = length / 2, n_even = length - n_odd;
  const at::Tensor a_even = a.slice(1, 0, length, 2), b_even = b.slice(1, 0, length, 2);
  const at::Tensor a_odd = a.slice(1, 1, length, 2), b_odd = b.slice(1, 1, length, 2);
  at::Tensor h_odd = scan_from_zero(a_even.narrow(1, 0, n_odd) + a_odd,
                                    at::addcmul(b_odd, a_odd.exp(), b_even.narrow(1, 0, n_odd)));
  const at::Tensor h_before_even =
      at::cat({at::zeros_like(h_odd.narrow(1, 0, 1)), h_odd.narrow(1, 0, n_even - 1)}, 1);
  at::Tensor h_even = at::addcmul(b_even, a_even.exp(), h_before_even);
  return {std::move(h_even), std::move(h_odd)};
}

// [Bt, ceil(L/2), ...] at even and [Bt, L/2, ...] at odd positions -> [Bt, L, ...].
at::Tensor interleave(const at::Tensor& even, const at::Tensor& odd) {
  const int64_t n_odd = odd.size(1);
  const at::Tensor paired = at::stack({even.narrow(1, 0, n_odd), odd}, 2).flatten(1, 2);
  return even.size(1) == n_odd ? paired : at::cat({paired, even.narrow(1, n_odd, 1)}, 1);
}

// Inclusive scan along dim 1 from h_{-1} = 0: log2(L) levels of scan_even_odd.
at::Tensor scan_from_zero(const at::Tensor& a, const at::Tensor& b) {
  if (a.size(1) == 1) return b;
  const auto [even, odd] = scan_even_odd(a, b);
  return interleave(even, odd);
}

// Folds h_{-1} into the first input, h_0 = exp(a_0) h_{-1} + b_0, so that the scan can
// start from zero.
at::Tensor fold_initial_state(const at::Tensor& a, const at::Tensor& b, const at::Tensor& initial) {
  if (!initial.defined()) return b;
  const int64_t length = a.size(1);
  const at::Tensor first = at::addcmul(b.narrow(1, 0, 1), a.narrow(1, 0, 1).exp(), initial.unsqueeze(1));
  return length == 1 ? first : at::cat({first, b.narrow(1, 1, length - 1)}, 1);
}

// C_t . h_t for states h: [Bt, n, d, N] and C: [Bt, n, N] -> [Bt, n, d].
at::Tensor read_out(const at::Tensor& h, const at::Tensor& c) { return at::matmul(h, c.unsqueeze(-1)).squeeze(-1); }

// scan_from_zero fused with the read-out y_t = C_t . h_t: the top level's states are
// read out separately and only the d_state-times smaller outputs are interleaved.
// Returns y: [Bt, n, d] and the last state h_{n-1}: [Bt, d, N].
std::pair<at::Tensor, at::Tensor> scan_and_read_out(const at::Tensor& a, const at::Tensor& b, const at::Tensor& c) {
  const int64_t length = a.size(1);
  if (length == 1) return {read_out(b, c), b.select(1, 0)};
  const auto [even, odd] = scan_even_odd(a, b);
  at::Tensor y = interleave(read_out(even, c.slice(1, 0, length, 2)), read_out(odd, c.slice(1, 1, length, 2)));
  return {std::move(y), length % 2 == 1 ? even.select(1, even.size(1) - 1) : odd.select(1, odd.size(1) - 1)};
}

void check_scan_inputs(const at::Tensor& a, const at::Tensor& b, const at::Tensor& initial, const char* where) {
  check_input(a.dim() >= 2 && a.sizes() == b.sizes(), where,
              "log_decay and input must have the same shape [Bt, L, ...], got " + c10::str(a.sizes()) + " and " +
                  c10::str(b.sizes()));
  if (initial.defined()) {
    std::vector<int64_t> expected = {a.size(0)};
    for (int64_t i = 2; i < a.dim(); ++i) expected.push_back(a.size(i));
    check_input(initial.sizes() == at::IntArrayRef(expected), where,
                "initial must be " + c10::str(at::IntArrayRef(expected)) + ", got " + c10::str(initial.sizes()));
  }
}

void check_selective_inputs(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& A, const at::Tensor& B,
                            const at::Tensor& C, const at::Tensor& D, const char* where) {
  check_input(x.dim() == 3, where, "x must be [Bt, L, d_inner], got " + c10::str(x.sizes()));
  const int64_t bt = x.size(0), length = x.size(1), d_inner = x.size(2);
  check_input(delta.sizes() == x.sizes(), where,
              "delta must match x " + c10::str(x.sizes()) + ", got " + c10::str(delta.sizes()));
  check_input(A.dim() == 2 && A.size(0) == d_inner, where,
              "A must be [" + std::to_string(d_inner) + ", N], got " + c10::str(A.sizes()));
  const std::vector<int64_t> bc = {bt, length, A.size(1)};
  check_input(B.sizes() == at::IntArrayRef(bc), where,
              "B must be " + c10::str(at::IntArrayRef(bc)) + ", got " + c10::str(B.sizes()));
  check_input(C.sizes() == at::IntArrayRef(bc), where,
              "C must be " + c10::str(at::IntArrayRef(bc)) + ", got " + c10::str(C.sizes()));
  check_input(!D.defined() || (D.dim() == 1 && D.size(0) == d_inner), where,
              "D must be [" + std::to_string(d_inner) + "] or undefined, got " + c10::str(D.sizes()));
}

}  // namespace

at::Tensor linear_scan(const at::Tensor& log_decay, const at::Tensor& input, const at::Tensor& initial) {
  check_scan_inputs(log_decay, input, initial, "linear_scan");
  const int64_t length = log_decay.size(1);
  if (length == 0) return input.clone();
  return scan_from_zero(log_decay, fold_initial_state(log_decay, input, initial));
}

at::Tensor linear_scan_reference(const at::Tensor& log_decay, const at::Tensor& input, const at::Tensor& initial) {
  check_scan_inputs(log_decay, input, initial, "linear_scan_reference");
  if (log_decay.size(1) == 0) return input.clone();
  at::Tensor h = initial.defined() ? initial : at::zeros_like(input.select(1, 0));
  const auto decay = log_decay.exp().unbind(1);  // unbind: one backward node, not L slice nodes
  const auto b = input.unbind(1);
  std::vector<at::Tensor> states;
  states.reserve(b.size());
  for (size_t t = 0; t < b.size(); ++t) {
    h = decay[t] * h + b[t];
    states.push_back(h);
  }
  return at::stack(states, 1);
}

int64_t selective_scan_auto_chunk(int64_t batch, int64_t length, int64_t d_inner, int64_t d_state,
                                  at::DeviceType device) {
  const int64_t budget = int64_t{1} << (device == at::kCPU ? 19 : 22);
  const int64_t per_step = std::max<int64_t>(1, batch * d_inner * d_state);
  if (length * per_step <= budget) return std::max<int64_t>(1, length);
  int64_t chunk = 64;
  while (chunk * 2 * per_step <= budget) chunk *= 2;
  return chunk;
}

at::Tensor selective_scan(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& A, const at::Tensor& B,
                          const at::Tensor& C, const at::Tensor& D, int64_t chunk_size) {
  check_selective_inputs(x, delta, A, B, C, D, "selective_scan");
  check_input(chunk_size >= 0, "selective_scan", "chunk_size must be >= 0 (0 = automatic)");
#if MOEZOO_WITH_CUDA
  // The sequential CUDA kernel (core/kernels/selective_scan_cuda.h); chunk_size does not apply.
  if (kernels::selective_scan_cuda_supported(x, delta, A, B, C)) return kernels::selective_scan_cuda(x, delta, A, B, C, D);
#endif
  const int64_t length = x.size(1);
  const int64_t chunk = chunk_size > 0 ? chunk_size
                                       : selective_scan_auto_chunk(x.size(0), length, x.size(2), A.size(1),
                                                                   x.device().type());
  std::vector<at::Tensor> outputs;
  at::Tensor carry;  // the state after the previous chunk
  for (int64_t start = 0; start < length; start += chunk) {
    const int64_t n = std::min(chunk, length - start);
    const at::Tensor dt = delta.narrow(1, start, n);
    // log-decays a = delta A and inputs b = delta B x: [Bt, n, d, N]
    const at::Tensor a = dt.unsqueeze(-1) * A;
    const at::Tensor b = (dt * x.narrow(1, start, n)).unsqueeze(-1) * B.narrow(1, start, n).unsqueeze(2);
    auto [y, last] = scan_and_read_out(a, fold_initial_state(a, b, carry), C.narrow(1, start, n));
    outputs.push_back(std::move(y));
    carry = std::move(last);
  }
  const at::Tensor y = outputs.empty() ? at::zeros_like(x) : outputs.size() == 1 ? outputs[0] : at::cat(outputs, 1);
  return D.defined() ? y + x * D : y;
}

at::Tensor selective_scan_reference(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& A,
                                    const at::Tensor& B, const at::Tensor& C, const at::Tensor& D) {
  check_selective_inputs(x, delta, A, B, C, D, "selective_scan_reference");
  const at::Tensor decay = at::exp(delta.unsqueeze(-1) * A);                      // [Bt, L, d, N]
  const at::Tensor input = (delta * x).unsqueeze(-1) * B.unsqueeze(2);          // [Bt, L, d, N]
  at::Tensor h = at::zeros({x.size(0), x.size(2), A.size(1)}, input.options());  // [Bt, d, N]
  const auto decay_t = decay.unbind(1), input_t = input.unbind(1), c_t = C.unbind(1);
  std::vector<at::Tensor> outputs;
  outputs.reserve(c_t.size());
  for (size_t t = 0; t < c_t.size(); ++t) {
    h = decay_t[t] * h + input_t[t];
    outputs.push_back((h * c_t[t].unsqueeze(1)).sum(-1));
  }
  const at::Tensor y = outputs.empty() ? at::zeros_like(x) : at::stack(outputs, 1);
  return D.defined() ? y + x * D : y;
}

}  // namespace moezoo::core
