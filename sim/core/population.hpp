// Structure-of-arrays agent storage: one contiguous buffer per variable.
//
// An agent's id is its row. Rows are never removed or reordered (agents that
// leave the simulation keep their row with a status saying so), so ids are
// stable for the whole run and can key random streams and event records.
// Columns are named and typed so that generic code (snapshots, checkpoints)
// can write every column without knowing the domain.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "sim/core/column_type.hpp"

namespace pledgesim::sim {

class ColumnBase {
 public:
  explicit ColumnBase(std::string name) : name_(std::move(name)) {}
  virtual ~ColumnBase() = default;
  const std::string& name() const { return name_; }
  virtual ColumnType type() const = 0;
  virtual std::size_t element_bytes() const = 0;
  virtual const void* raw() const = 0;
  virtual void* raw() = 0;

 protected:
  friend class Population;
  virtual void resize(std::size_t n) = 0;
  virtual void reserve(std::size_t n) = 0;

 private:
  std::string name_;
};

template <class T>
class Column final : public ColumnBase {
 public:
  Column(std::string name, T initial) : ColumnBase(std::move(name)), initial_(initial) {}
  ColumnType type() const override { return column_type_of<T>(); }
  std::size_t element_bytes() const override { return sizeof(T); }
  const void* raw() const override { return data_.data(); }
  void* raw() override { return data_.data(); }

  std::span<T> span() { return data_; }
  std::span<const T> span() const { return data_; }

 private:
  void resize(std::size_t n) override { data_.resize(n, initial_); }
  void reserve(std::size_t n) override { data_.reserve(n); }

  T initial_;
  std::vector<T> data_;
};

class Population {
 public:
  // Adds a column; every existing and future row starts at `initial`.
  template <class T>
  Column<T>& add_column(const std::string& name, T initial = T{}) {
    for (const auto& c : columns_)
      if (c->name() == name) throw std::logic_error("duplicate column " + name);
    auto column = std::make_unique<Column<T>>(name, initial);
    static_cast<ColumnBase&>(*column).resize(size_);
    auto& ref = *column;
    columns_.push_back(std::move(column));
    return ref;
  }

  template <class T>
  Column<T>& column(const std::string& name) {
    return const_cast<Column<T>&>(std::as_const(*this).column<T>(name));
  }
  template <class T>
  const Column<T>& column(const std::string& name) const {
    for (const auto& c : columns_)
      if (c->name() == name) {
        if (auto* typed = dynamic_cast<const Column<T>*>(c.get())) return *typed;
        throw std::logic_error("column " + name + " has another type");
      }
    throw std::logic_error("no column " + name);
  }

  // Appends `count` rows with initial values; returns the first new id.
  // Invalidates spans taken earlier: take them again after growing.
  std::size_t append(std::size_t count) {
    const std::size_t first = size_;
    size_ += count;
    for (auto& c : columns_) c->resize(size_);
    return first;
  }
  void reserve(std::size_t n) {
    for (auto& c : columns_) c->reserve(n);
  }

  std::size_t size() const { return size_; }
  const std::vector<std::unique_ptr<ColumnBase>>& columns() const { return columns_; }
  std::size_t bytes_per_agent() const {
    std::size_t total = 0;
    for (const auto& c : columns_) total += c->element_bytes();
    return total;
  }

 private:
  std::size_t size_ = 0;
  std::vector<std::unique_ptr<ColumnBase>> columns_;
};

}  // namespace pledgesim::sim
