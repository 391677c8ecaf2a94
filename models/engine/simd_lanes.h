// The handful of AVX2 / SSE4.1 operations the pooling loops use, behind one
// interface for 8 lanes (__m256) and 4 lanes (__m128), so each loop is
// written once as a template over the lane count (pool_layer.cc). Only where
// the compiler targets AVX2 (.bazelrc: -march=x86-64-v3).
#pragma once

#ifdef __AVX2__
#include <immintrin.h>

#include <cstdint>

namespace rcdnn::models::simd {

struct Lanes8 {
  using Floats = __m256;
  using Ints = __m256i;
  static constexpr int kCount = 8;

  static Floats Fill(float value) { return _mm256_set1_ps(value); }
  static Floats Zero() { return _mm256_setzero_ps(); }
  static Floats Load(const float* p) { return _mm256_loadu_ps(p); }
  // Loads the lanes whose mask lane is all ones, touching no other memory.
  static Floats MaskedLoad(const float* p, Ints mask) { return _mm256_maskload_ps(p, mask); }
  static void Store(float* p, Floats v) { _mm256_storeu_ps(p, v); }
  static void Store(int32_t* p, Ints v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
  static Floats Add(Floats a, Floats b) { return _mm256_add_ps(a, b); }
  // a > b ? a : b per lane: the strict rule of the scalar loops (NaN and -0 included).
  static Floats Max(Floats a, Floats b) { return _mm256_max_ps(a, b); }
  static Floats Greater(Floats a, Floats b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
  // mask ? b : a per lane.
  static Floats Select(Floats a, Floats b, Floats mask) { return _mm256_blendv_ps(a, b, mask); }

  static Ints FillInts(int value) { return _mm256_set1_epi32(value); }
  static Ints LaneNumbers() { return _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7); }
  static Ints Add(Ints a, Ints b) { return _mm256_add_epi32(a, b); }
  static Ints Multiply(Ints a, Ints b) { return _mm256_mullo_epi32(a, b); }
  static Ints And(Ints a, Ints b) { return _mm256_and_si256(a, b); }
  static Ints Greater(Ints a, Ints b) { return _mm256_cmpgt_epi32(a, b); }
  static Floats AsFloats(Ints v) { return _mm256_castsi256_ps(v); }
  static Ints AsInts(Floats v) { return _mm256_castps_si256(v); }

  // Lanes j = 0..7 of row[2 j], from low = row[0, 8) and high = row[7, 15):
  // the even lanes of low, the odd lanes of high.
  static Floats EvenElements(Floats low, Floats high) {
    const __m256 picked = _mm256_shuffle_ps(low, high, _MM_SHUFFLE(3, 1, 2, 0));  // l0 l2 h1 h3 | l4 l6 h5 h7
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(picked), _MM_SHUFFLE(3, 1, 2, 0)));
  }
};

struct Lanes4 {
  using Floats = __m128;
  using Ints = __m128i;
  static constexpr int kCount = 4;

  static Floats Fill(float value) { return _mm_set1_ps(value); }
  static Floats Zero() { return _mm_setzero_ps(); }
  static Floats Load(const float* p) { return _mm_loadu_ps(p); }
  static Floats MaskedLoad(const float* p, Ints mask) { return _mm_maskload_ps(p, mask); }
  static void Store(float* p, Floats v) { _mm_storeu_ps(p, v); }
  static void Store(int32_t* p, Ints v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v); }
  static Floats Add(Floats a, Floats b) { return _mm_add_ps(a, b); }
  static Floats Max(Floats a, Floats b) { return _mm_max_ps(a, b); }
  static Floats Greater(Floats a, Floats b) { return _mm_cmpgt_ps(a, b); }
  static Floats Select(Floats a, Floats b, Floats mask) { return _mm_blendv_ps(a, b, mask); }

  static Ints FillInts(int value) { return _mm_set1_epi32(value); }
  static Ints LaneNumbers() { return _mm_setr_epi32(0, 1, 2, 3); }
  static Ints Add(Ints a, Ints b) { return _mm_add_epi32(a, b); }
  static Ints Multiply(Ints a, Ints b) { return _mm_mullo_epi32(a, b); }
  static Ints And(Ints a, Ints b) { return _mm_and_si128(a, b); }
  static Ints Greater(Ints a, Ints b) { return _mm_cmpgt_epi32(a, b); }
  static Floats AsFloats(Ints v) { return _mm_castsi128_ps(v); }
  static Ints AsInts(Floats v) { return _mm_castps_si128(v); }

  // Lanes j = 0..3 of row[2 j], from low = row[0, 4) and high = row[3, 7).
  static Floats EvenElements(Floats low, Floats high) { return _mm_shuffle_ps(low, high, _MM_SHUFFLE(3, 1, 2, 0)); }
};

}  // namespace rcdnn::models::simd

#endif  // __AVX2__
