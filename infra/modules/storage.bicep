// The Table Storage account behind TriageBot. Shared keys are switched off, so the only way in is Microsoft Entra ID:
// the app's managed identity gets Storage Table Data Contributor and nothing else has a usable key.

@description('Storage account name (3-24 lowercase letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Replication of the account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param skuName string

@description('Name of the app identity; with the role, it makes the role assignment name stable and known before deployment.')
param appIdentityName string

@description('Object id of the app identity that reads and writes the tables.')
param appPrincipalId string

@description('Optional object id of a person or group who runs backups and restores (also Storage Table Data Contributor). Empty: none.')
param operatorPrincipalId string

@description('Principal type of operatorPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string

@description('Resource id of the Log Analytics workspace for the diagnostic settings.')
param logAnalyticsWorkspaceId string

// Built-in role "Storage Table Data Contributor": read, write and delete tables and entities.
var tableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

resource account 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

// The app creates its own tables (named with Storage__TablePrefix) at start; the service just has to exist.
resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-06-01' = {
  parent: account
  name: 'default'
  properties: {}
}

// Table reads, writes and deletes (who, from where, how long, the status) and the transaction metrics, to Log Analytics.
// 2021-05-01-preview is the newest version of diagnosticSettings; the only GA one, 2016-09-01, is a different (older) resource shape.
#disable-next-line use-recent-api-versions
resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: tableService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      for category in [
        'StorageRead'
        'StorageWrite'
        'StorageDelete'
      ]: {
        category: category
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

// 2021-05-01-preview is the newest version of diagnosticSettings; the only GA one, 2016-09-01, is a different (older) resource shape.
#disable-next-line use-recent-api-versions
resource accountDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: account
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    metrics: [
      {
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

resource appTableAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, appIdentityName, tableDataContributorRoleId)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', tableDataContributorRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    description: 'TriageBot app identity: reads and writes its tables.'
  }
}

resource operatorTableAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(account.id, operatorPrincipalId, tableDataContributorRoleId)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', tableDataContributorRoleId)
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
    description: 'TriageBot operators: table backups and restores with az storage --auth-mode login.'
  }
}

@description('Storage account name.')
output name string = account.name

@description('Table service endpoint, e.g. https://<account>.table.core.windows.net/ (Storage__TableServiceUri).')
output tableEndpoint string = account.properties.primaryEndpoints.table
