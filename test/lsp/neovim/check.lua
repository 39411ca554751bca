-- Headless Neovim (0.7+) as an LSP client of `apim-mtls lsp --stdio`; run by test/lsp/neovim.test.ts:
--   nvim --headless --clean -u test/lsp/neovim/check.lua <workspace>/policies/get-order.operation.xml
-- Environment: APIM_MTLS_NODE (node binary), APIM_MTLS_CLI (dist/cli.js), APIM_MTLS_ROOT (workspace),
-- APIM_MTLS_REPORT (where the JSON report goes). No plugins, no lspconfig: only the built-in vim.lsp.
local env = vim.env
local report = { nvim = tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch }

local function write_report()
  local f = assert(io.open(env.APIM_MTLS_REPORT, 'w'))
  f:write(vim.fn.json_encode(report))
  f:close()
end

local function ours(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'apim-mtls' then table.insert(out, d) end
  end
  return out
end

local function has_code(diags, code)
  for _, d in ipairs(diags) do
    if d.code == code then return d end
  end
  return nil
end

local function run()
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'apim-mtls',
    cmd = { env.APIM_MTLS_NODE or 'node', env.APIM_MTLS_CLI, 'lsp', '--stdio' },
    root_dir = env.APIM_MTLS_ROOT,
  })
  assert(client_id, 'vim.lsp.start_client failed')
  assert(vim.lsp.buf_attach_client(bufnr, client_id), 'vim.lsp.buf_attach_client failed')
  local client = vim.lsp.get_client_by_id(client_id)

  -- The policy's own findings arrive on open; the tier one once the Bicep that deploys it is indexed.
  report.diagnostics_arrived = vim.wait(30000, function()
    local ds = ours(bufnr)
    return has_code(ds, 'validate-trust-unsupported-tier') ~= nil and has_code(ds, 'utcnow-certificate-validity') ~= nil
  end, 50)
  report.server_name = client.server_capabilities and client.name
  report.capabilities = {
    hover = client.server_capabilities.hoverProvider and true or false,
    codeAction = client.server_capabilities.codeActionProvider and true or false,
    codeLens = client.server_capabilities.codeLensProvider and true or false,
    completion = client.server_capabilities.completionProvider and true or false,
    definition = client.server_capabilities.definitionProvider and true or false,
    references = client.server_capabilities.referencesProvider and true or false,
  }

  report.diagnostics = {}
  for _, d in ipairs(ours(bufnr)) do
    table.insert(report.diagnostics, {
      code = d.code,
      lnum = d.lnum,
      col = d.col,
      severity = d.severity,
      message = d.message,
      href = d.user_data and d.user_data.lsp and d.user_data.lsp.codeDescription and d.user_data.lsp.codeDescription.href or vim.NIL,
    })
  end

  local uri = vim.uri_from_bufnr(bufnr)
  local utc = has_code(ours(bufnr), 'utcnow-certificate-validity')
  report.actions = {}
  if utc then
    -- The file is ASCII: byte columns are UTF-16 characters.
    local range = { start = { line = utc.lnum, character = utc.col }, ['end'] = { line = utc.end_lnum, character = utc.end_col } }
    local lsp_diag = { range = range, severity = utc.severity, code = utc.code, source = utc.source, message = utc.message }
    local res, err = client.request_sync('textDocument/codeAction', {
      textDocument = { uri = uri },
      range = range,
      context = { diagnostics = { lsp_diag } },
    }, 10000, bufnr)
    if err or not res or res.err then report.action_error = tostring(err or (res and vim.inspect(res.err)) or 'no result') end
    for _, a in ipairs(res and res.result or {}) do
      table.insert(report.actions, { title = a.title, kind = a.kind or vim.NIL, isPreferred = a.isPreferred or false, hasEdit = a.edit ~= nil })
    end
  end

  -- The same through the user's entry point, `:lua vim.lsp.buf.code_action()`, with the cursor at the start of the
  -- line (not on the finding): Neovim sends the cursor as an empty range and the line's diagnostics in the context.
  report.ui_actions = {}
  if utc then
    vim.api.nvim_win_set_cursor(0, { utc.lnum + 1, 0 })
    local offered = false
    vim.ui.select = function(items, _, on_choice)
      for _, item in ipairs(items) do
        local action = item[2] or item.action or item
        table.insert(report.ui_actions, action.title)
      end
      offered = true
      on_choice(nil) -- cancelled: nothing is applied
    end
    vim.lsp.buf.code_action()
    vim.wait(10000, function() return offered end, 50)
  end

  report.hover = vim.NIL
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local s = line:find('<validate-client-certificate', 1, true)
    if s then
      local res, err = client.request_sync('textDocument/hover', {
        textDocument = { uri = uri },
        position = { line = i - 1, character = s + 3 }, -- 0-based: inside the element name
      }, 10000, bufnr)
      if err or not res or res.err then report.hover_error = tostring(err or (res and vim.inspect(res.err)) or 'no result') end
      local contents = res and res.result and res.result.contents
      if type(contents) == 'table' then report.hover = contents.value or vim.inspect(contents) end
      if type(contents) == 'string' then report.hover = contents end
      break
    end
  end

  -- Completion in the identity's thumbprint value: the workspace's certificates.
  report.completion = {}
  local chosen, chosen_line, chosen_col
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local _, e = line:find('thumbprint="', 1, true)
    if e then
      local res, err = client.request_sync('textDocument/completion', {
        textDocument = { uri = uri },
        position = { line = i - 1, character = e }, -- 0-based: just after the opening quote
      }, 10000, bufnr)
      if err or not res or res.err then report.completion_error = tostring(err or (res and vim.inspect(res.err)) or 'no result') end
      local result = res and res.result or {}
      for _, item in ipairs(result.items or result) do
        table.insert(report.completion, { label = item.label, newText = item.textEdit and item.textEdit.newText or vim.NIL })
        chosen = chosen or item.textEdit
      end
      chosen_line, chosen_col = i - 1, e
      break
    end
  end

  -- The chosen item applied as a user would, then go to definition on the thumbprint it wrote: the certificate file.
  report.definition = {}
  if chosen then
    vim.lsp.util.apply_text_edits({ chosen }, bufnr, 'utf-16')
    vim.wait(500) -- the edit reaches the server (didChange)
    local res, err = client.request_sync('textDocument/definition', {
      textDocument = { uri = uri },
      position = { line = chosen_line, character = chosen_col + 5 },
    }, 10000, bufnr)
    if err or not res or res.err then report.definition_error = tostring(err or (res and vim.inspect(res.err)) or 'no result') end
    for _, loc in ipairs(res and res.result or {}) do
      table.insert(report.definition, vim.uri_to_fname(loc.uri or loc.targetUri))
    end
  end

  -- Shut the server down (shutdown + exit) before quitting, and say whether it went.
  vim.lsp.stop_client(client_id)
  report.server_stopped = vim.wait(5000, function() return vim.lsp.client_is_stopped(client_id) end, 50)
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    local ok, err = pcall(run)
    if not ok then report.error = tostring(err) end
    pcall(write_report)
    vim.cmd('qa!')
  end,
})
