// The results store's schema and its migrations.
//
// A database identifies itself in its `meta` table:
//   application    = 'rcdnn-results'
//   schema_version = N  (the number of migration steps applied)
// Migration step i (counting from 0) takes a database from version i to i+1.
// Steps are only ever appended: a released step is never edited, so every
// database with the same version has the same schema.
#pragma once

#include <string>
#include <vector>

#include "results/sqlite.h"

namespace rcdnn::results {

inline constexpr char kApplication[] = "rcdnn-results";

// The ordered SQL steps; SchemaVersion() == Migrations().size().
const std::vector<std::string>& Migrations();
int SchemaVersion();

// What a database file holds, as far as the schema goes.
struct SchemaState {
  bool empty = false;     // no tables at all: a fresh file
  int version = 0;        // meta.schema_version (0 when empty)
};

// Reads the state; throws rcdnn::Error naming the file when the database
// belongs to another application (tables but no meta table, or a foreign
// application tag) or was written by a newer schema than this build knows.
SchemaState ReadSchemaState(Database& db);

// Brings a fresh or older database to SchemaVersion(), all steps in one
// BEGIN IMMEDIATE transaction (so two processes opening a new file at once
// create the schema exactly once). Throws as ReadSchemaState does.
void Migrate(Database& db);

}  // namespace rcdnn::results
