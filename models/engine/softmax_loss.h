// Softmax with cross-entropy on the classifier's logits, and the paper's score
// margin (Section 4.2: the difference between the two largest outputs, here
// softmax probabilities so thresholds live in [0, 1]).
#pragma once

#include <cstdint>

namespace rcdnn::models {

// probabilities = softmax(logits), numerically stable (max subtracted).
void Softmax(const float* logits, int classes, float* probabilities);

// For n rows of `classes` logits: returns the SUM over rows of
// -log softmax(row)[label] (in double), and, when dlogits is non-null, writes
// dlogits = (softmax(row) - onehot(label)) * grad_scale (grad_scale = 1 / batch
// gives the gradient of the batch's mean loss). Labels must be < classes
// (the caller validates them).
double SoftmaxCrossEntropy(const float* logits, const uint8_t* labels, int n, int classes, float grad_scale,
                           float* dlogits);

// The predicted class (the first index of the largest score) and the margin
// between the two largest softmax probabilities of `scores` (logits), in
// [0, 1]. With one class the margin is 1. Throws rcdnn::Error if classes < 1.
void TopTwoMargin(const float* scores, int classes, int* top_class, float* margin);

}  // namespace rcdnn::models
