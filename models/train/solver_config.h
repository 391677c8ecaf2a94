// Solver settings in the spirit of Caffe's solver.prototxt, one text file per
// network (models/train/solvers/*.solver), with the per-layer learning-rate
// and decay multipliers that Caffe keeps in the net prototxt, and the three
// fidelity profiles:
//
//   base_lr = 0.01
//   momentum = 0.9
//   weight_decay = 0.0005
//   lr_policy = inv            # fixed | inv | step | multistep
//   gamma = 0.0001
//   power = 0.75
//   stepvalues = 60000,65000   # multistep only
//   stepsize = 10000           # step only
//   batch_size = 64
//   max_iter = 10000
//   layer ip1 weight_decay_mult=250 bias_lr_mult=2 bias_decay_mult=0
//   profile smoke iter_scale=0.02 train_subset=2000 eval_subset=1000
//
// A profile scales every iteration count (max_iter, stepvalues, stepsize) by
// iter_scale and may cut the training and evaluation sets to their first k
// images. The `paper` profile is the file's settings as written (scale 1).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rcdnn::models {

struct LayerMultipliers {
  float weight_lr_mult = 1, weight_decay_mult = 1;
  float bias_lr_mult = 1, bias_decay_mult = 1;
};

struct ProfileSettings {
  double iter_scale = 1.0;
  int64_t train_subset = -1;  // -1: the whole set
  int64_t eval_subset = -1;
};

struct SolverConfig {
  double base_lr = 0.01;
  double momentum = 0.9;
  double weight_decay = 0.0005;
  std::string lr_policy = "fixed";
  double gamma = 0.1;
  double power = 0.75;
  int64_t stepsize = 0;
  std::vector<int64_t> stepvalues;
  int batch_size = 64;
  int64_t max_iter = 1000;
  std::map<std::string, LayerMultipliers> layers;  // by layer name; absent = all 1
  std::map<std::string, ProfileSettings> profiles;  // "smoke", "quick"; "paper" is implicit

  // Learning rate at iteration `iter` (0-based), Caffe's formulas.
  double LearningRate(int64_t iter) const;
  LayerMultipliers MultipliersFor(const std::string& layer_name) const;
  // Copy with the profile's iteration scaling applied (Stretched by its
  // iter_scale). "paper" returns *this. Throws rcdnn::Error for an unknown
  // profile name.
  SolverConfig ForProfile(const std::string& profile) const;
  // Copy whose schedule runs `scale` times as many iterations: max_iter,
  // stepsize and stepvalues scaled (rounded, at least 1), so a step or
  // multistep schedule drops its rate at the same fractions of the run.
  // "inv" and "fixed" are functions of the iteration alone and stay as
  // Caffe defines them.
  SolverConfig Stretched(double scale) const;
  ProfileSettings Profile(const std::string& profile) const;
  // Canonical text (sorted keys), hashed into run identities and checkpoints.
  std::string CanonicalText() const;
};

// Parses and validates; errors name the source and line. Throws rcdnn::Error.
SolverConfig ParseSolverConfig(const std::string& text, const std::string& source_name);
SolverConfig LoadSolverConfig(const std::string& path);

}  // namespace rcdnn::models
