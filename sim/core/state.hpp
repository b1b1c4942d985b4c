// Saving and restoring engine state as named, typed 1-D arrays: what a
// checkpoint holds. A model writes each piece of its state under a name
// ("caseload", "population/status", ...); a StateReader gives it back,
// checking that the name exists, that the element type is the same and,
// where the caller knows it, that the length is. Scalars are arrays of one.
//
// The HDF5 implementation is in sim/io/checkpoint.hpp; MemoryState keeps the
// arrays in memory (tests, comparisons of two states).
#pragma once

#include <cstddef>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/core/column_type.hpp"
#include "sim/core/input_error.hpp"
#include "sim/core/population.hpp"

namespace pledgesim::sim {

// A state that cannot be restored: missing, of another type or length, or
// not matching the object it is loaded into. The message says where.
// Saved state that does not fit what loads it.
struct StateError : InputError {
  using InputError::InputError;
};

class StateWriter {
 public:
  virtual ~StateWriter() = default;
  // Stores `column` under `name` ('/' separates levels, e.g. "population/status").
  virtual void write(const std::string& name, ColumnView column) = 0;

  template <class T>
  void put(const std::string& name, std::span<const T> values) {
    write(name, {column_type_of<T>(), values.data(), values.size()});
  }
  template <class T>
  void put(const std::string& name, const std::vector<T>& values) {
    put(name, std::span<const T>(values));
  }
  template <class T>
  void put_value(const std::string& name, T value) {
    put(name, std::span<const T>(&value, 1));
  }
};

class StateReader {
 public:
  struct Shape {
    ColumnType type;
    std::size_t size;
  };
  virtual ~StateReader() = default;
  // Type and length of `name`; nullopt when there is no such array.
  virtual std::optional<Shape> shape(const std::string& name) const = 0;
  // Names of the arrays directly under `prefix` (a level, e.g. "population").
  virtual std::vector<std::string> names(const std::string& prefix) const = 0;
  // Where the state comes from, for messages (e.g. "run.h5.ckpt:/state/replication_0").
  virtual std::string where() const = 0;

  // Exactly `size` elements of `type` into `out`, after checking both.
  void read_exact(const std::string& name, ColumnType type, void* out, std::size_t size) const {
    checked(name, type, size);
    if (size > 0) read(name, type, out, size);
  }
  // The whole array `name` of element type T.
  template <class T>
  std::vector<T> get(const std::string& name) const {
    const std::size_t n = checked(name, column_type_of<T>(), std::nullopt);
    std::vector<T> out(n);
    if (n > 0) read(name, column_type_of<T>(), out.data(), n);
    return out;
  }
  // Exactly out.size() elements of type T into `out`.
  template <class T>
  void get_exact(const std::string& name, std::span<T> out) const {
    read_exact(name, column_type_of<T>(), out.data(), out.size());
  }
  template <class T>
  T get_value(const std::string& name) const {
    T value{};
    get_exact(name, std::span<T>(&value, 1));
    return value;
  }

 protected:
  // Reads `size` elements (type and size already checked) into `out`.
  virtual void read(const std::string& name, ColumnType type, void* out,
                    std::size_t size) const = 0;

  std::size_t checked(const std::string& name, ColumnType type,
                      std::optional<std::size_t> size) const {
    const auto s = shape(name);
    if (!s) throw StateError(where() + ": " + name + " is missing");
    if (s->type != type)
      throw StateError(where() + ": " + name + " holds " + std::string(column_type_name(s->type)) +
                       " values, expected " + std::string(column_type_name(type)));
    if (size && s->size != *size)
      throw StateError(where() + ": " + name + " has " + std::to_string(s->size) +
                       " values, expected " + std::to_string(*size));
    return s->size;
  }
};

// Arrays kept in memory, as bytes: for tests and for comparing two states.
class MemoryState final : public StateWriter, public StateReader {
 public:
  struct Array {
    ColumnType type;
    std::size_t size;
    std::vector<unsigned char> bytes;
    friend bool operator==(const Array&, const Array&) = default;
  };

  void write(const std::string& name, ColumnView column) override {
    Array a{column.type, column.size, {}};
    a.bytes.resize(column.size * element_bytes(column.type));
    if (!a.bytes.empty()) std::memcpy(a.bytes.data(), column.data, a.bytes.size());
    arrays_[name] = std::move(a);
  }
  std::optional<Shape> shape(const std::string& name) const override {
    const auto it = arrays_.find(name);
    if (it == arrays_.end()) return std::nullopt;
    return Shape{it->second.type, it->second.size};
  }
  std::vector<std::string> names(const std::string& prefix) const override {
    std::vector<std::string> out;
    const std::string p = prefix.empty() ? prefix : prefix + "/";
    for (const auto& [name, a] : arrays_)
      if (name.starts_with(p) && name.find('/', p.size()) == std::string::npos)
        out.push_back(name.substr(p.size()));
    return out;
  }
  std::string where() const override { return "memory state"; }

  const std::map<std::string, Array>& arrays() const { return arrays_; }
  std::map<std::string, Array>& arrays() { return arrays_; }

 protected:
  void read(const std::string& name, ColumnType, void* out, std::size_t size) const override {
    std::memcpy(out, arrays_.at(name).bytes.data(), size * element_bytes(arrays_.at(name).type));
  }

 private:
  std::map<std::string, Array> arrays_;
};

// Every column of `population` under "<prefix>/<column name>".
inline void save_population(StateWriter& out, const Population& population,
                            const std::string& prefix) {
  for (const auto& c : population.columns())
    out.write(prefix + "/" + c->name(),
              {c->type(), static_cast<const ColumnBase&>(*c).raw(), population.size()});
}

// Restores what save_population wrote into `population`, which must have the
// same columns (names and types) and at most as many rows as were saved (it
// grows to the saved size, so take column spans again afterwards).
inline void load_population(const StateReader& in, Population& population,
                            const std::string& prefix) {
  const auto saved = in.names(prefix);
  for (const auto& name : saved) {
    bool known = false;
    for (const auto& c : population.columns()) known = known || c->name() == name;
    if (!known)
      throw StateError(in.where() + ": " + prefix + "/" + name +
                       " is not a column of this program's population");
  }
  std::optional<std::size_t> rows;
  for (const auto& c : population.columns()) {
    const std::string name = prefix + "/" + c->name();
    const auto s = in.shape(name);
    if (!s) throw StateError(in.where() + ": " + name + " is missing");
    if (rows && s->size != *rows)
      throw StateError(in.where() + ": " + name + " has " + std::to_string(s->size) +
                       " rows, other columns " + std::to_string(*rows));
    rows = s->size;
  }
  const std::size_t n = rows.value_or(0);
  if (n < population.size())
    throw StateError(in.where() + ": " + prefix + " has " + std::to_string(n) +
                     " rows, fewer than the " + std::to_string(population.size()) +
                     " the scenario starts with");
  population.append(n - population.size());
  for (const auto& c : population.columns())
    in.read_exact(prefix + "/" + c->name(), c->type(), c->raw(), n);
}

}  // namespace pledgesim::sim
