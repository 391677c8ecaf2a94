#include "models/engine/reference_layers.h"

#include <cmath>
#include <limits>


namespace rcdnn::models {

template <typename T>
RefLayerParams<T> CastLayerParams(const LayerParams& params) {
  return {params.weights.cast<T>(), params.bias.cast<T>()};
}

template <typename T>
RefNetParams<T> CastParams(const NetParams& params) {
  RefNetParams<T> result;
  for (const LayerParams& layer : params.sliced) result.sliced.push_back(CastLayerParams<T>(layer));
  for (const LayerParams& layer : params.heads) result.heads.push_back(CastLayerParams<T>(layer));
  return result;
}

template <typename T>
void ReferenceConv(const LayerSpec& spec, const LayerShape& shape, const RefLayerParams<T>& params, const T* in,
                   T* out) {
  const int k = spec.kernel;
  for (int o = 0; o < shape.out_channels; ++o) {
    for (int oy = 0; oy < shape.out_height; ++oy) {
      for (int ox = 0; ox < shape.out_width; ++ox) {
        T sum = params.bias(o);
        for (int c = 0; c < shape.in_channels; ++c) {
          for (int ky = 0; ky < k; ++ky) {
            for (int kx = 0; kx < k; ++kx) {
              const int y = oy * spec.stride - spec.pad + ky, x = ox * spec.stride - spec.pad + kx;
              if (y < 0 || y >= shape.in_height || x < 0 || x >= shape.in_width) continue;
              sum += params.weights(o, (c * k + ky) * k + kx) * in[(c * shape.in_height + y) * shape.in_width + x];
            }
          }
        }
        out[(o * shape.out_height + oy) * shape.out_width + ox] = sum;
      }
    }
  }
}

template <typename T>
void ReferencePool(const LayerSpec& spec, const LayerShape& shape, const T* in, T* out) {
  const int h = shape.in_height, w = shape.in_width, k = spec.kernel;
  for (int c = 0; c < shape.in_channels; ++c) {
    for (int oy = 0; oy < shape.out_height; ++oy) {
      for (int ox = 0; ox < shape.out_width; ++ox) {
        T max = -std::numeric_limits<T>::infinity(), sum = 0;
        int padded_cells = 0;  // cells inside the padded input: Caffe's average divisor
        for (int ky = 0; ky < k; ++ky) {
          for (int kx = 0; kx < k; ++kx) {
            const int y = oy * spec.stride - spec.pad + ky, x = ox * spec.stride - spec.pad + kx;
            if (y < h + spec.pad && x < w + spec.pad) ++padded_cells;
            if (y < 0 || y >= h || x < 0 || x >= w) continue;
            const T value = in[(c * h + y) * w + x];
            max = value > max ? value : max;
            sum += value;
          }
        }
        out[(c * shape.out_height + oy) * shape.out_width + ox] =
            spec.kind == LayerKind::kMaxPool ? max : sum / static_cast<T>(padded_cells);
      }
    }
  }
}

template <typename T>
void ReferenceFc(const LayerShape& shape, const RefLayerParams<T>& params, const T* in, T* out) {
  for (int o = 0; o < shape.out_channels; ++o) {
    T sum = params.bias(o);
    for (int64_t i = 0; i < shape.InputSize(); ++i) sum += params.weights(o, i) * in[i];
    out[o] = sum;
  }
}

template <typename T>
void ReferenceRelu(int64_t count, const T* in, T* out) {
  for (int64_t i = 0; i < count; ++i) out[i] = in[i] > 0 ? in[i] : T(0);
}

template <typename T>
std::vector<T> ReferenceForward(const NetSpec& spec, const RefNetParams<T>& params, const T* image,
                                const Widths& widths, int head) {
  const std::vector<LayerShape> shapes = InferShapes(spec, widths);
  const std::vector<int> sliced = spec.SlicedLayerIndices();
  std::vector<T> current(image, image + shapes[0].InputSize());
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const LayerSpec& layer = spec.layers[i];
    std::vector<T> next(shapes[i].OutputSize());
    const RefLayerParams<T>* layer_params = nullptr;
    if (static_cast<int>(i) == spec.ClassifierIndex()) {
      layer_params = &params.heads.at(head);
    } else if (layer.HasWeights()) {
      for (size_t j = 0; j < sliced.size(); ++j) {
        if (sliced[j] == static_cast<int>(i)) layer_params = &params.sliced.at(j);
      }
    }
    switch (layer.kind) {
      case LayerKind::kConv:
        ReferenceConv(layer, shapes[i], *layer_params, current.data(), next.data());
        break;
      case LayerKind::kMaxPool:
      case LayerKind::kAvgPool:
        ReferencePool(layer, shapes[i], current.data(), next.data());
        break;
      case LayerKind::kFc:
        ReferenceFc(shapes[i], *layer_params, current.data(), next.data());
        break;
      case LayerKind::kRelu:
        ReferenceRelu(shapes[i].OutputSize(), current.data(), next.data());
        break;
    }
    current.swap(next);
  }
  return current;
}

template <typename T>
T ReferenceCrossEntropy(const std::vector<T>& logits, int label) {
  T max = logits[0];
  for (T value : logits) max = value > max ? value : max;
  T sum = 0;
  for (T value : logits) sum += std::exp(value - max);
  return std::log(sum) + max - logits[label];
}

template <typename T>
T ReferenceMeanLoss(const NetSpec& spec, const RefNetParams<T>& params, const T* images, const uint8_t* labels,
                    int n, const Widths& widths, int head) {
  const int64_t size = int64_t{spec.input_channels} * spec.input_height * spec.input_width;
  T total = 0;
  for (int i = 0; i < n; ++i) {
    total += ReferenceCrossEntropy(ReferenceForward(spec, params, images + i * size, widths, head), labels[i]);
  }
  return total / n;
}

#define RCDNN_INSTANTIATE(T)                                                                                      \
  template RefLayerParams<T> CastLayerParams<T>(const LayerParams&);                                              \
  template RefNetParams<T> CastParams<T>(const NetParams&);                                                       \
  template void ReferenceConv<T>(const LayerSpec&, const LayerShape&, const RefLayerParams<T>&, const T*, T*);    \
  template void ReferencePool<T>(const LayerSpec&, const LayerShape&, const T*, T*);                             \
  template void ReferenceFc<T>(const LayerShape&, const RefLayerParams<T>&, const T*, T*);                        \
  template void ReferenceRelu<T>(int64_t, const T*, T*);                                                          \
  template std::vector<T> ReferenceForward<T>(const NetSpec&, const RefNetParams<T>&, const T*, const Widths&,     \
                                              int);                                                               \
  template T ReferenceCrossEntropy<T>(const std::vector<T>&, int);                                                \
  template T ReferenceMeanLoss<T>(const NetSpec&, const RefNetParams<T>&, const T*, const uint8_t*, int,          \
                                  const Widths&, int);

RCDNN_INSTANTIATE(float)
RCDNN_INSTANTIATE(double)
#undef RCDNN_INSTANTIATE

}  // namespace rcdnn::models
