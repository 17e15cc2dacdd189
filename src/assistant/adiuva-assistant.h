/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-workspace-gateway.h"
#include "adiuva-chat-session.h"
#include "adiuva-model-choice.h"
#include "adiuva-assistant-enums.h"
